#!/usr/bin/env bash
# bench/hunt.sh: eqlrunner hunt against jq, side by side, on a million
# generated events. Run by hand (not by CI): it takes a minute or two and
# about 1.4 GB of disk under $TMPDIR.
#
#   bench/hunt.sh                 # 1,000,000 events
#   COUNT=200000 bench/hunt.sh    # fewer
#   SKIP_RULES=1 bench/hunt.sh    # without the 1,081 detection-rules run
#
# It builds eqlrunner, generates events with `eqlrunner generate`, and times
#   - eqlrunner hunt with the built-in rule (best of 5 runs, all shown);
#   - jq with bench/seed_rule.jq, the same rule as a jq filter;
# checks that both select the same events, and prints events/s, MB/s, peak
# RSS and the ratio (the goal is 20x jq). Then it hunts with all 1,081 EQL
# rules of Elastic's detection-rules (../shared/corpus/detection-rules, or
# $RULES) over the same events. It installs nothing; it needs go and jq
# (apt-get install jq, or brew install jq).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-1000000}
RULES=${RULES:-../shared/corpus/detection-rules}

for tool in go jq; do
  if ! command -v "$tool" >/dev/null; then
    case $tool in
      jq) echo "bench/hunt.sh needs jq on PATH: apt-get install jq (Debian, Ubuntu) or brew install jq (macOS)" >&2 ;;
      go) echo "bench/hunt.sh needs Go 1.25 or later on PATH: https://go.dev/dl/" >&2 ;;
    esac
    exit 1
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/eqlrunner-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=$work/eqlrunner
events=$work/events

echo "building eqlrunner ($(go version | cut -d' ' -f3))"
go build -o "$bin" ./cmd/eqlrunner

echo "generating $COUNT events (eqlrunner generate --seed 1)"
"$bin" generate --count "$COUNT" --seed 1 --start 2026-12-01T00:00:00Z -o "$events" 2>"$work/generate.txt"
files=("$events"/*.ndjson)
bytes=$(cat "${files[@]}" | wc -c)
# Both tools read from the page cache, not the disk.
cat "${files[@]}" >/dev/null

# measure OUT CMD...: runs CMD with stdout to OUT and stderr to OUT.err,
# and sets secs and rss_kb (peak resident set size).
secs=0 rss_kb=0
measure() {
  local out=$1; shift
  local start end
  start=$(date +%s.%N)
  if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M true 2>/dev/null; then
    /usr/bin/time -f %M -o "$work/rss" "$@" >"$out" 2>"$out.err"
    rss_kb=$(tail -n 1 "$work/rss")
  else
    # No GNU time: poll the high-water mark the kernel keeps.
    "$@" >"$out" 2>"$out.err" &
    local pid=$! hwm
    rss_kb=0
    while kill -0 "$pid" 2>/dev/null; do
      hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [[ -n $hwm && $hwm -gt $rss_kb ]] && rss_kb=$hwm
      sleep 0.05
    done
    wait "$pid"
  fi
  end=$(date +%s.%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
}

row() { # name secs rss_kb matches
  awk -v n="$1" -v s="$2" -v r="$3" -v m="$4" -v c="$COUNT" -v b="$bytes" 'BEGIN {
    printf "%-16s %8.2f s %12.0f %9.1f %8.0f MB %9d\n", n, s, c / s, b / 1e6 / s, r / 1024, m }'
}

echo "timing: $COUNT events, $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}') in ${#files[@]} files, $(nproc) cores"

best=0 best_rss=0 runs=()
for run in 1 2 3 4 5; do
  measure "$work/hunt.ndjson" "$bin" hunt --now 2026-12-04T10:05:00Z --execution-id 00000000-0000-4000-8000-000000000000 "${files[@]}"
  runs+=("$secs")
  if [[ $best == 0 ]] || awk -v a="$secs" -v b="$best" 'BEGIN {exit !(a < b)}'; then
    best=$secs best_rss=$rss_kb
  fi
done
hunt_matches=$(wc -l <"$work/hunt.ndjson")

# jq selects with bench/seed_rule.jq and prints where each match is (the
# comparison below needs it; it costs nothing next to the selection).
measure "$work/jq.txt" jq -r "$(cat bench/seed_rule.jq) | \"\(input_filename)\t\(input_line_number)\"" "${files[@]}"
jq_secs=$secs jq_rss=$rss_kb
jq_matches=$(wc -l <"$work/jq.txt")

echo
printf "%-16s %10s %12s %9s %11s %9s\n" "" time events/s MB/s "peak RSS" matches
row "eqlrunner hunt" "$best" "$best_rss" "$hunt_matches"
row "jq $(jq --version | sed 's/^jq-//')" "$jq_secs" "$jq_rss" "$jq_matches"
echo "(eqlrunner hunt: best of 5 runs: ${runs[*]} s)"
awk -v h="$best" -v j="$jq_secs" 'BEGIN {
  r = j / h; printf "ratio: eqlrunner hunt is %.1fx jq (goal: 20x): %s\n", r, (r >= 20 ? "met" : "NOT met") }'

# Same matches: the events hunt signalled, by index and line hash (the
# ancestor of each signal), against the lines jq selected, hashed the same
# way by a hunt whose rule matches anything.
grep -o '"kibana.alert.ancestors":\[{"id":"[0-9a-f]*","type":"event","index":"[^"]*"' "$work/hunt.ndjson" |
  sed 's/.*"id":"\([0-9a-f]*\)".*"index":"\([^"]*\)"/\2 \1/' | sort >"$work/hunt.keys"
mkdir "$work/selected"
LC_ALL=C awk -v dir="$work/selected" '
  NR == FNR { split($0, f, "\t"); want[f[1] "\t" f[2]] = 1; next }
  FNR == 1 { n = split(FILENAME, p, "/"); out = dir "/" p[n] }
  (FILENAME "\t" FNR) in want { print > out }
' "$work/jq.txt" "${files[@]}"
cat >"$work/any.toml" <<'EOF'
[rule]
author = ["bench/hunt.sh"]
description = "Every event."
index = ["*"]
language = "eql"
license = "Apache-2.0"
name = "Every event"
risk_score = 21
rule_id = "00000000-0000-4000-8000-00000000a11e"
severity = "low"
type = "eql"
version = 1
query = "any where true"
EOF
if compgen -G "$work/selected/*" >/dev/null; then
  "$bin" hunt --rules "$work/any.toml" "$work/selected" 2>/dev/null |
    grep -o '"kibana.alert.ancestors":\[{"id":"[0-9a-f]*","type":"event","index":"[^"]*"' |
    sed 's/.*"id":"\([0-9a-f]*\)".*"index":"\([^"]*\)"/\2 \1/' | sort >"$work/jq.keys"
else
  : >"$work/jq.keys"
fi
if cmp -s "$work/hunt.keys" "$work/jq.keys"; then
  echo "same matches: yes, the same $(wc -l <"$work/hunt.keys") events"
else
  echo "same matches: NO (< hunt only, > jq only):"
  diff "$work/hunt.keys" "$work/jq.keys" | head -20
  exit 1
fi

if [[ -n ${SKIP_RULES:-} ]]; then
  exit 0
fi
if [[ ! -d $RULES ]]; then
  echo "no detection-rules at $RULES: set RULES to a checkout of elastic/detection-rules"
  exit 0
fi
echo
echo "all EQL rules of $RULES at once:"
measure "$work/rules.ndjson" "$bin" hunt --rules "$RULES" "${files[@]}"
grep '^eqlrunner hunt: [0-9]* rule' "$work/rules.ndjson.err" | head -1
grep 'events kept\|signals from' "$work/rules.ndjson.err" || true
awk -v s="$secs" -v r="$rss_kb" -v c="$COUNT" -v b="$bytes" 'BEGIN {
  printf "%.2f s, %.0f events/s, %.1f MB/s, peak RSS %.0f MB\n", s, c / s, b / 1e6 / s, r / 1024 }'
