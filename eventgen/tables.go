package eventgen

// The static half of the world: which processes run on each operating
// system, what they write and where they connect. Strings are as the
// shipper reports them (unescaped); build turns them into escaped JSON once.
//
// Templates (paths, file names, arguments) may hold placeholders, filled per
// event: '#' a lowercase hex digit, '@' an uppercase hex digit, '%' a decimal
// digit. Paths may hold {user}, the host's interactive user.

type osKind uint8

const (
	windows osKind = iota
	linux
	macos
	numOS
)

// account is who a process runs as; hosts map it to a user.
type account uint8

const (
	acctSystem  account = iota // SYSTEM; root
	acctLocal                  // LOCAL SERVICE; a service user
	acctNetwork                // NETWORK SERVICE; a service user
	acctUser                   // the host's interactive user
	numAccounts
)

// role says which events a process may appear in.
type role uint8

const (
	ordinary  role = iota // benign activity; its executable writes are near misses
	critical              // one of the rule's nine system-critical processes
	variant               // a critical name in another case, or masquerading from another path: true positives and exclusion near misses
	lookalike             // a name one letter off a critical one: near misses only
)

type procSpec struct {
	name   string
	exe    string
	parent string // the parent's name in the same table; "" for none
	acct   account
	args   string // arguments after the executable, space separated
	signer string // code signature subject; "" when unsigned
	role   role
}

const (
	msWindows = "Microsoft Windows"
	msCorp    = "Microsoft Corporation"
	msPub     = "Microsoft Windows Publisher"
)

var procSpecs = [numOS][]procSpec{
	windows: {
		{name: "smss.exe", exe: `C:\Windows\System32\smss.exe`, signer: msWindows, role: critical},
		{name: "autochk.exe", exe: `C:\Windows\System32\autochk.exe`, parent: "smss.exe", args: "*", signer: msWindows, role: critical},
		{name: "csrss.exe", exe: `C:\Windows\System32\csrss.exe`, parent: "smss.exe", args: `ObjectDirectory=\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows`, signer: msWindows, role: critical},
		{name: "wininit.exe", exe: `C:\Windows\System32\wininit.exe`, parent: "smss.exe", signer: msWindows, role: critical},
		{name: "services.exe", exe: `C:\Windows\System32\services.exe`, parent: "wininit.exe", signer: msPub, role: critical},
		{name: "lsass.exe", exe: `C:\Windows\System32\lsass.exe`, parent: "wininit.exe", signer: msPub, role: critical},
		{name: "winlogon.exe", exe: `C:\Windows\System32\winlogon.exe`, parent: "smss.exe", signer: msWindows, role: critical},
		{name: "userinit.exe", exe: `C:\Windows\System32\userinit.exe`, parent: "winlogon.exe", acct: acctUser, signer: msWindows, role: critical},
		{name: "LogonUI.exe", exe: `C:\Windows\System32\LogonUI.exe`, parent: "winlogon.exe", args: "/flags:0x2 /state0:0xa3b9@@@@ /state1:0x41c64e6d", signer: msWindows, role: critical},

		{name: "LSASS.EXE", exe: `C:\WINDOWS\system32\LSASS.EXE`, parent: "wininit.exe", signer: msPub, role: variant},
		{name: "SMSS.EXE", exe: `C:\WINDOWS\System32\SMSS.EXE`, signer: msWindows, role: variant},
		{name: "Winlogon.exe", exe: `C:\Windows\System32\Winlogon.exe`, parent: "smss.exe", signer: msWindows, role: variant},
		{name: "logonui.exe", exe: `C:\Windows\system32\logonui.exe`, parent: "winlogon.exe", signer: msWindows, role: variant},
		{name: "lsass.exe", exe: `C:\Users\Public\lsass.exe`, parent: "explorer.exe", acct: acctUser, role: variant},
		{name: "csrss.exe", exe: `C:\ProgramData\Intel\csrss.exe`, parent: "services.exe", role: variant},

		{name: "lsasss.exe", exe: `C:\Users\Public\lsasss.exe`, parent: "explorer.exe", acct: acctUser, role: lookalike},
		{name: "Isass.exe", exe: `C:\ProgramData\Isass.exe`, parent: "services.exe", role: lookalike},
		{name: "winlogon32.exe", exe: `C:\Windows\Temp\winlogon32.exe`, parent: "svchost.exe", role: lookalike},

		{name: "explorer.exe", exe: `C:\Windows\explorer.exe`, parent: "userinit.exe", acct: acctUser, signer: msWindows},
		{name: "svchost.exe", exe: `C:\Windows\System32\svchost.exe`, parent: "services.exe", args: "-k netsvcs -p -s Schedule", signer: msWindows},
		{name: "svchost.exe", exe: `C:\Windows\System32\svchost.exe`, parent: "services.exe", acct: acctNetwork, args: "-k NetworkService -p -s Dnscache", signer: msWindows},
		{name: "svchost.exe", exe: `C:\Windows\System32\svchost.exe`, parent: "services.exe", acct: acctLocal, args: "-k LocalServiceNetworkRestricted -p -s EventLog", signer: msWindows},
		{name: "chrome.exe", exe: `C:\Program Files\Google\Chrome\Application\chrome.exe`, parent: "explorer.exe", acct: acctUser, args: "--type=renderer --lang=en-US --renderer-client-id=%% --launch-time-ticks=%%%%%%%%%%", signer: "Google LLC"},
		{name: "msedge.exe", exe: `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, parent: "explorer.exe", acct: acctUser, args: "--type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US", signer: msCorp},
		{name: "OUTLOOK.EXE", exe: `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, parent: "explorer.exe", acct: acctUser, signer: msCorp},
		{name: "WINWORD.EXE", exe: `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, parent: "explorer.exe", acct: acctUser, args: "/n", signer: msCorp},
		{name: "ms-teams.exe", exe: `C:\Program Files\WindowsApps\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\ms-teams.exe`, parent: "explorer.exe", acct: acctUser, signer: msCorp},
		{name: "OneDrive.exe", exe: `C:\Program Files\Microsoft OneDrive\OneDrive.exe`, parent: "explorer.exe", acct: acctUser, args: "/background", signer: msCorp},
		{name: "powershell.exe", exe: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, parent: "explorer.exe", acct: acctUser, args: "-NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\Corp\\inventory.ps1", signer: msWindows},
		{name: "cmd.exe", exe: `C:\Windows\System32\cmd.exe`, parent: "explorer.exe", acct: acctUser, args: "/c ipconfig /all", signer: msWindows},
		{name: "conhost.exe", exe: `C:\Windows\System32\conhost.exe`, parent: "cmd.exe", acct: acctUser, args: "0xffffffff -ForceV1", signer: msWindows},
		{name: "taskhostw.exe", exe: `C:\Windows\System32\taskhostw.exe`, parent: "svchost.exe", acct: acctUser, signer: msWindows},
		{name: "RuntimeBroker.exe", exe: `C:\Windows\System32\RuntimeBroker.exe`, parent: "svchost.exe", acct: acctUser, args: "-Embedding", signer: msWindows},
		{name: "SearchIndexer.exe", exe: `C:\Windows\System32\SearchIndexer.exe`, parent: "services.exe", args: "/Embedding", signer: msWindows},
		{name: "WmiPrvSE.exe", exe: `C:\Windows\System32\wbem\WmiPrvSE.exe`, parent: "svchost.exe", acct: acctNetwork, args: "-secured -Embedding", signer: msWindows},
		{name: "MsMpEng.exe", exe: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, parent: "services.exe", signer: msPub},
		{name: "msiexec.exe", exe: `C:\Windows\System32\msiexec.exe`, parent: "services.exe", args: "/V", signer: msWindows},
		{name: "TiWorker.exe", exe: `C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.4455_none_7a3ba0f2e9b3c1d4\TiWorker.exe`, parent: "svchost.exe", args: "-Embedding", signer: msWindows},
		{name: "TrustedInstaller.exe", exe: `C:\Windows\servicing\TrustedInstaller.exe`, parent: "services.exe", signer: msWindows},
	},
	linux: {
		{name: "systemd", exe: "/usr/lib/systemd/systemd", args: "--system --deserialize=42"},
		{name: "sshd", exe: "/usr/sbin/sshd", parent: "systemd", args: "-D"},
		{name: "bash", exe: "/usr/bin/bash", parent: "sshd", acct: acctUser},
		{name: "cron", exe: "/usr/sbin/cron", parent: "systemd", args: "-f -P"},
		{name: "python3", exe: "/usr/bin/python3.10", parent: "bash", acct: acctUser, args: "etl/run.py --batch %%%%"},
		{name: "curl", exe: "/usr/bin/curl", parent: "bash", acct: acctUser, args: "-fsSL https://get.example.com/install.sh -o /tmp/install-%%%%.sh"},
		{name: "nginx", exe: "/usr/sbin/nginx", parent: "systemd", acct: acctNetwork, args: "-c /etc/nginx/nginx.conf"},
		{name: "dockerd", exe: "/usr/bin/dockerd", parent: "systemd", args: "-H fd:// --containerd=/run/containerd/containerd.sock"},
		{name: "rsyslogd", exe: "/usr/sbin/rsyslogd", parent: "systemd", acct: acctLocal, args: "-n -iNONE"},
		{name: "apt", exe: "/usr/bin/apt", parent: "bash", args: "upgrade -y"},
		{name: "lsass.exe", exe: "/tmp/.cache/lsass.exe", parent: "bash", acct: acctUser, role: lookalike},
	},
	macos: {
		{name: "launchd", exe: "/sbin/launchd"},
		{name: "Google Chrome", exe: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", parent: "launchd", acct: acctUser},
		{name: "Safari", exe: "/Applications/Safari.app/Contents/MacOS/Safari", parent: "launchd", acct: acctUser},
		{name: "Finder", exe: "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder", parent: "launchd", acct: acctUser},
		{name: "zsh", exe: "/bin/zsh", parent: "launchd", acct: acctUser, args: "-l"},
		{name: "curl", exe: "/usr/bin/curl", parent: "zsh", acct: acctUser, args: "-sO https://downloads.example.com/tool-%.%.%.pkg"},
		{name: "softwareupdated", exe: "/System/Library/PrivateFrameworks/SoftwareUpdate.framework/Resources/softwareupdated", parent: "launchd"},
		{name: "mds_stores", exe: "/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds_stores", parent: "launchd", acct: acctLocal},
	},
}

// fileSpec is something a process writes: the file names it uses in a
// directory.
type fileSpec struct {
	proc  string
	dir   string
	names []string
}

// benignFiles are the everyday writes of ordinary processes: none has an
// executable extension.
var benignFiles = [numOS][]fileSpec{
	windows: {
		{"chrome.exe", `C:\Users\{user}\AppData\Local\Google\Chrome\User Data\Default\Cache\Cache_Data`, []string{"f_00####", "f_00####", "data_#", "index"}},
		{"chrome.exe", `C:\Users\{user}\Downloads`, []string{"invoice_%%%%.pdf", "Q4-report (%).xlsx", "IMG_%%%%.jpg", "meeting-notes.docx", "dataset-%%%%.csv.crdownload"}},
		{"msedge.exe", `C:\Users\{user}\AppData\Local\Microsoft\Edge\User Data\Default`, []string{"History-journal", "Cookies-journal", "Network Persistent State"}},
		{"explorer.exe", `C:\Users\{user}\AppData\Roaming\Microsoft\Windows\Recent`, []string{"invoice_%%%%.pdf.lnk", "Q4-report.xlsx.lnk", "Downloads.lnk"}},
		{"svchost.exe", `C:\Windows\Prefetch`, []string{"CHROME.EXE-@@@@@@@@.pf", "SVCHOST.EXE-@@@@@@@@.pf", "ONEDRIVE.EXE-@@@@@@@@.pf", "TEAMS.EXE-@@@@@@@@.pf"}},
		{"svchost.exe", `C:\Windows\System32\winevt\Logs`, []string{"Application.evtx", "Security.evtx", "System.evtx"}},
		{"OUTLOOK.EXE", `C:\Users\{user}\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\@@@@@@@@`, []string{"invoice_%%%%.pdf", "image%%%.png", "~WRS{########-####-####-####-############}.tmp"}},
		{"WINWORD.EXE", `C:\Users\{user}\Documents`, []string{"Q4 plan.docx", "~$Q4 plan.docx", "~WRL%%%%.tmp"}},
		{"OneDrive.exe", `C:\Users\{user}\AppData\Local\Microsoft\OneDrive\logs\Business1`, []string{"SyncEngine-2026-12-04.%%%%.%%%%.1.odl", "SyncDiagnostics.log"}},
		{"powershell.exe", `C:\Users\{user}\AppData\Local\Temp`, []string{"__PSScriptPolicyTest_####@###.###.ps1", "__PSScriptPolicyTest_####@###.###.psm1"}},
		{"MsMpEng.exe", `C:\ProgramData\Microsoft\Windows Defender\Support`, []string{"MPLog-20261204-%%%%%%.log", "MPDetection-20261204-%%%%%%.log"}},
		{"SearchIndexer.exe", `C:\ProgramData\Microsoft\Search\Data\Applications\Windows`, []string{"Windows.edb", "edb%%%%%.log", "edbtmp.log"}},
		{"ms-teams.exe", `C:\Users\{user}\AppData\Local\Packages\MSTeams_8wekyb3d8bbwe\LocalCache\Microsoft\MSTeams\Logs`, []string{"MSTeams_2026-12-04_%%-%%-%%.%%.log"}},
	},
	linux: {
		{"rsyslogd", "/var/log", []string{"syslog", "auth.log", "kern.log"}},
		{"nginx", "/var/log/nginx", []string{"access.log", "error.log"}},
		{"python3", "/home/{user}/etl/out", []string{"batch_%%%%.parquet", "run-%%%%.json"}},
		{"curl", "/tmp", []string{"install-%%%%.sh"}},
		{"apt", "/var/cache/apt/archives", []string{"libssl3_3.0.2-0ubuntu1.18_amd64.deb", "openssh-server_8.9p1-3ubuntu0.11_amd64.deb"}},
		{"dockerd", "/var/lib/docker/containers/################################################################", []string{"config.v2.json", "hostconfig.json", "resolv.conf"}},
		{"sshd", "/run/sshd", []string{"sshd.pid"}},
	},
	macos: {
		{"Google Chrome", "/Users/{user}/Library/Caches/Google/Chrome/Default/Cache/Cache_Data", []string{"f_00####", "index"}},
		{"Safari", "/Users/{user}/Library/Safari", []string{"History.db-wal", "LastSession.plist"}},
		{"Finder", "/Users/{user}/Downloads", []string{"invoice_%%%%.pdf", "Screenshot 2026-12-04 at 10.%%.%%.png"}},
		{"softwareupdated", "/Library/Updates", []string{"index.plist", "ProductMetadata.plist"}},
		{"mds_stores", "/private/var/db/Spotlight-V100/Store-V2/########-####-####-####-############", []string{"journalAttr.%%", "live.%.indexIds"}},
	},
}

// Where the rule's critical processes write executables in true positives,
// and what they write. A few are traps for a wrong reading of the
// exclusions: wpbbin.exe outside System32, eac_usermode DLLs outside
// System32, and each excluded file written by the other process.
var (
	tpDirs = []string{
		`C:\Windows\Temp`, `C:\Windows\System32`, `C:\Windows\SysWOW64`, `C:\ProgramData`,
		`C:\Users\Public`, `C:\Windows\System32\wbem`, `C:\Windows\System32\Tasks`,
		`C:\Users\{user}\AppData\Local\Temp`, `\Device\HarddiskVolume3\Windows\Temp`,
		`\Device\HarddiskVolume2\ProgramData\Microsoft`,
	}
	tpNames = []string{
		"wbemcomn2.dll", "msupd.exe", "svchostx.exe", "update.exe", "########.exe", "########.dll",
		"version.dll", "dbghelp.dll", "WindowsUpdateAgent.exe", "MSUPD.EXE", "Wininet.DLL", "ntds_%%%%.exe",
	}
	// tpTraps are whole paths (directory, name) that look excluded and are not,
	// or are excluded for the other process only. writers names which critical
	// processes may write each one.
	tpTraps = []struct{ dir, name, writers string }{
		{`C:\Windows\Temp`, "wpbbin.exe", "smss.exe"},
		{`C:\Windows\SysWOW64`, "wpbbin.exe", "smss.exe"},
		{`C:\Windows\System32\drivers`, "wpbbin.exe", "SMSS.EXE"},
		{`C:\Windows\System32`, "wpbbin.exe", "lsass.exe csrss.exe"},
		{`C:\Windows\SysWOW64`, "eac_usermode_%%%%.dll", "lsass.exe"},
		{`C:\Windows\Temp`, "eac_usermode_%%%%.dll", "LSASS.EXE"},
		{`C:\Windows\System32`, "eac_usermode_%%%%.dll", "smss.exe winlogon.exe"},
		{`\Device\HarddiskVolume3\Windows\System32`, "eac_usermode_%%%%.dll", "services.exe"},
	}
)

// Near misses of the rule's exclusions: the excluded process writing the
// excluded file, in the spellings the exclusions' wildcards accept.
var (
	nmWpbbin = []struct{ dir, name string }{
		{`C:\Windows\System32`, "wpbbin.exe"},
		{`D:\Windows\System32`, "wpbbin.exe"},
		{`c:\windows\system32`, "WPBBIN.EXE"},
		{`\Device\HarddiskVolume3\Windows\System32`, "wpbbin.exe"},
		{`\Device\HarddiskVolume1\Windows\System32`, "wpbbin.exe"},
	}
	nmEAC = []struct{ dir, name string }{
		{`C:\Windows\System32`, "eac_usermode_%%%%.dll"},
		{`C:\WINDOWS\system32`, "eac_usermode_%%%%.dll"},
		{`\Device\HarddiskVolume2\Windows\System32`, "eac_usermode_%%%%.dll"},
	}
	// nmOtherExtensions are what critical processes write that is not an
	// executable; a few end in an executable-looking double extension.
	nmOtherExtensions = []fileSpec{
		{"lsass.exe", `C:\Windows\debug`, []string{"netlogon.log", "netlogon.bak", "PASSWD.LOG"}},
		{"services.exe", `C:\Windows\System32\LogFiles\Scm`, []string{"########-####-####-####-############.log"}},
		{"wininit.exe", `C:\Windows\System32\LogFiles\Srt`, []string{"SrtTrail.txt"}},
		{"csrss.exe", `C:\Windows\Temp`, []string{"########.tmp", "setup.exe.log"}},
		{"winlogon.exe", `C:\Windows\System32\config\systemprofile\AppData\Local\Temp`, []string{"~DF@@@@.tmp", "update.exe.txt"}},
		{"smss.exe", `C:\Windows\System32\LogFiles`, []string{"smss.log"}},
		{"LogonUI.exe", `C:\Users\{user}\AppData\Local\Temp`, []string{"logonui_%%%%.etl"}},
		{"autochk.exe", `C:\`, []string{"bootex.log"}},
	}
	// nmOtherProcesses are executables written by processes the rule does not
	// name: installers, updaters, downloads, and one-letter lookalikes.
	nmOtherProcesses = []fileSpec{
		{"chrome.exe", `C:\Users\{user}\Downloads`, []string{"ChromeSetup.exe", "zoom_installer (%).exe", "npp.8.7.%.Installer.x64.exe"}},
		{"msiexec.exe", `C:\Program Files\7-Zip`, []string{"7z.dll", "7zFM.exe", "7z.exe"}},
		{"TiWorker.exe", `C:\Windows\System32`, []string{"ntdll.dll", "kernelbase.dll", "wuaueng.dll"}},
		{"TrustedInstaller.exe", `C:\Windows\SysWOW64`, []string{"msvcp_win.dll", "combase.dll"}},
		{"OneDrive.exe", `C:\Program Files\Microsoft OneDrive\24.226.1110.0004`, []string{"FileSyncShell64.dll", "OneDriveSetup.exe"}},
		{"svchost.exe", `C:\Windows\SoftwareDistribution\Download\################################`, []string{"wuaueng.dll", "MoUsoCoreWorker.exe"}},
		{"explorer.exe", `C:\Users\{user}\Desktop`, []string{"setup.exe", "tool.exe"}},
		{"lsasss.exe", `C:\Users\Public`, []string{"########.dll", "msupd.exe"}},
		{"Isass.exe", `C:\ProgramData`, []string{"update.exe", "version.dll"}},
		{"winlogon32.exe", `C:\Windows\Temp`, []string{"########.exe"}},
	}
	// nmLinux is a process named lsass.exe writing executables on a Linux
	// host: everything matches but host.os.type.
	nmLinux = fileSpec{"lsass.exe", "/tmp/.cache", []string{"update.exe", "########.dll", "payload.exe"}}
)

// netSpec is a connection a process makes (or accepts, when in).
type netSpec struct {
	proc      string
	remote    string // the remote address's first three octets, "a.b.c."
	port      int    // the remote port, or the local one when in
	transport string
	in        bool
}

var netSpecs = [numOS][]netSpec{
	windows: {
		{"chrome.exe", "142.250.185.", 443, "tcp", false},
		{"chrome.exe", "172.217.16.", 443, "tcp", false},
		{"msedge.exe", "13.107.21.", 443, "tcp", false},
		{"svchost.exe", "20.190.159.", 443, "tcp", false},
		{"svchost.exe", "10.0.0.", 53, "udp", false},
		{"OneDrive.exe", "13.107.42.", 443, "tcp", false},
		{"ms-teams.exe", "52.113.194.", 443, "tcp", false},
		{"OUTLOOK.EXE", "52.96.165.", 443, "tcp", false},
		{"MsMpEng.exe", "20.42.65.", 443, "tcp", false},
		{"lsass.exe", "10.0.1.", 88, "tcp", false},
		{"lsass.exe", "10.0.1.", 389, "tcp", false},
	},
	linux: {
		{"sshd", "10.20.", 22, "tcp", true},
		{"nginx", "10.30.", 443, "tcp", true},
		{"curl", "93.184.215.", 443, "tcp", false},
		{"apt", "91.189.91.", 80, "tcp", false},
		{"dockerd", "54.236.113.", 443, "tcp", false},
		{"python3", "10.40.2.", 5432, "tcp", false},
	},
	macos: {
		{"Google Chrome", "142.250.185.", 443, "tcp", false},
		{"Safari", "17.253.144.", 443, "tcp", false},
		{"softwareupdated", "17.253.83.", 443, "tcp", false},
		{"curl", "151.101.1.", 443, "tcp", false},
	},
}

// osRelease is what a host reports about its operating system. Sysmon's
// hosts also report the build, the kernel and the edition (variant).
type osRelease struct {
	name, family, platform, kind, version, kernel, variant, build string
}

var osReleases = [numOS][]osRelease{
	windows: {
		{name: "Windows", family: "windows", platform: "windows", kind: "windows", version: "23H2", kernel: "23H2 (10.0.22631.4460)", variant: "Windows 11 Enterprise", build: "22631.4460"},
		{name: "Windows", family: "windows", platform: "windows", kind: "windows", version: "22H2", kernel: "22H2 (10.0.19045.5131)", variant: "Windows 10 Enterprise", build: "19045.5131"},
	},
	linux: {
		{name: "Linux", family: "ubuntu", platform: "ubuntu", kind: "linux", version: "22.04.5"},
		{name: "Linux", family: "debian", platform: "debian", kind: "linux", version: "12.8"},
		{name: "Linux", family: "rhel", platform: "rhel", kind: "linux", version: "9.5"},
	},
	macos: {
		{name: "macOS", family: "darwin", platform: "darwin", kind: "macos", version: "14.7.1"},
		{name: "macOS", family: "darwin", platform: "darwin", kind: "macos", version: "15.1.1"},
	},
}

// windowsServers are the servers of the fleet, all shipping Sysmon.
var windowsServers = []osRelease{
	{name: "Windows Server 2022 Datacenter", family: "windows", platform: "windows", kind: "windows", version: "10.0", kernel: "10.0.20348.2849", variant: "Windows Server 2022 Datacenter", build: "20348.2849"},
	{name: "Windows Server 2019 Standard", family: "windows", platform: "windows", kind: "windows", version: "10.0", kernel: "10.0.17763.6532", variant: "Windows Server 2019 Standard", build: "17763.6532"},
}

var (
	departments = []string{"fin", "hr", "eng", "ops", "sales", "mkt", "legal", "it"}
	serverRoles = []string{"dc", "fs", "sql", "app", "exch", "print"}
	linuxRoles  = []string{"web", "api", "db", "build", "k8s-node", "bastion", "etl"}
	userNames   = []string{"jsmith", "akhan", "mgarcia", "lchen", "tnguyen", "rpatel", "ewilson", "dkim", "sbrown", "omartin", "jlee", "jmüller", "aoconnor", "fsilva"}
)
