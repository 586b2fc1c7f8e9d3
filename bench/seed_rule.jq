# The built-in rule ("Unusual Executable File Creation by a System Critical
# Process", e94262f2-c1e9-4d3f-a907-aeab16712e1a) as a jq filter, for
# bench/hunt.sh: it selects the events eqlrunner hunt signals, with
# Elasticsearch's semantics (docs/eql-semantics.md):
#
#   - a field holds one value or an array of values; a condition on it
#     holds when some value satisfies it (S7), and a missing field
#     satisfies none;
#   - "file where" is event.category == "file" and "==" is case-sensitive
#     (S1); "!=" is a negated term query, true unless some value equals
#     (S5, S7): event.type != "deletion" holds for ["creation"], for a
#     missing event.type, and fails for ["change", "deletion"];
#   - ":" is case-insensitive (S2): every pattern here is ASCII, so folding
#     the value with ascii_downcase and comparing with the lower-cased
#     pattern is exactly Lucene's per-character case folding; in patterns
#     "?" is one character and "*" any run of characters, and "\" is a
#     plain character;
#   - not (a and b) holds unless both a and b hold.
#
# Values are read through nested objects, as Elastic Agent and Beats write
# events; dotted keys ("process.name": ...) and arrays of objects, which
# eqlrunner also reads, are not followed here. jq's "and" stops at the first
# false operand, so the costly path patterns run only on the few events that
# get that far, as anyone tuning a jq filter would arrange it.

# strs(f): the string values of f, an array flattened one level.
def strs(f): f? | if type == "array" then .[] else . end | strings;

def eq(f; $c): any(strs(f); . == $c);
def ieq(f; $cs): any(strs(f) | ascii_downcase; . as $v | any($cs[]; . == $v));
# like(f; $res): some value matches one of the regexes $res, written for
# lower-cased values: anchored with \A and \z, "?" as [\s\S] and "*" as
# [\s\S]* so that they match any character, a newline too.
def like(f; $res): any(strs(f) | ascii_downcase; . as $v | any($res[]; . as $re | $v | test($re)));

select(
  eq(.event.category; "file")
  and eq(.host.os.type; "windows")
  and (eq(.event.type; "deletion") | not)
  and ieq(.file.extension; ["exe", "dll"])
  and ieq(.process.name; ["smss.exe", "autochk.exe", "csrss.exe", "wininit.exe", "services.exe",
                          "lsass.exe", "winlogon.exe", "userinit.exe", "logonui.exe"])
  and ((ieq(.process.name; ["smss.exe"])
        and like(.file.path; ["\\A[\\s\\S]:\\\\windows\\\\system32\\\\wpbbin\\.exe\\z",
                              "\\A\\\\device\\\\harddiskvolume[\\s\\S]*\\\\windows\\\\system32\\\\wpbbin\\.exe\\z"])) | not)
  and ((ieq(.process.name; ["lsass.exe"])
        and like(.file.path; ["\\A[\\s\\S]:\\\\windows\\\\system32\\\\eac_usermode_[\\s\\S]*\\.dll\\z",
                              "\\A\\\\device\\\\harddiskvolume[\\s\\S]*\\\\windows\\\\system32\\\\eac_usermode_[\\s\\S]*\\.dll\\z"])) | not)
)
