#!/bin/sh
# tests/cli/test_tty.sh - tables fit the terminal, checked on a real
# pseudo-terminal of 40, 80 and 200 columns (python3's pty and
# TIOCSWINSZ): no line wider than the terminal in display columns (wide
# characters count two, combining ones none), descriptions folded at word
# boundaries, wide tables (ranges, sim) in blocks that fit, sim's
# progress line erased, and --color=auto|always|never beside NO_COLOR.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 > /dev/null; then
	skip "terminal width" "no python3"
	exit 0
fi
cat > "$CLI_TMP/ttyrun.py" <<'PY'
import os, pty, sys, fcntl, termios, struct, select
cols = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, cols, 0, 0))
out = b''
while True:
    try:
        r, _, _ = select.select([fd], [], [], 120)
        if not r:
            break
        d = os.read(fd, 65536)
        if not d:
            break
        out += d
    except OSError:
        break
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out.replace(b'\r\n', b'\n'))
sys.exit(os.waitstatus_to_exitcode(status))
PY
# The widest line of stdin in display columns (escape sequences, \r and
# what they erase left out).
cat > "$CLI_TMP/width.py" <<'PY'
import re, sys, unicodedata
w = 0
for line in sys.stdin.read().split('\n'):
    line = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', line).split('\r')[-1]
    n = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in line)
    w = max(w, n)
print(w)
PY
tty_run() { # COLS ARGS...: runs portkit on a pseudo-terminal of COLS columns
	cols=$1
	shift
	python3 "$CLI_TMP/ttyrun.py" "$cols" "$PORTKIT" "$@" > "$CLI_TMP/tty.out" 2>&1
	rc=$?
	out=$(cat "$CLI_TMP/tty.out")
	err=""
}
widest() { python3 "$CLI_TMP/width.py" < "$CLI_TMP/tty.out"; }

# A registry whose descriptions are long, wide (CJK) and combining.
python3 - "$CLI_TMP/reg.csv" <<'PY'
import sys
head = ("Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
        "Registration Date,Modification Date,Reference,Service Code,"
        "Unauthorized Use Reported,Assignment Notes\n")
rows = [
    ("longdesc", 20001, "A service whose description is long enough to need folding on any "
                        "terminal narrower than about two hundred columns wide"),
    ("widedesc", 20002, "\u65e5\u672c\u8a9e\u306e\u30b5\u30fc\u30d3\u30b9\u306e\u8aac\u660e"
                        "\u6587\u306f\u3068\u3066\u3082\u9577\u3044\u306e\u3067\u30bf\u30fc"
                        "\u30df\u30ca\u30eb\u306e\u5e45\u306b\u5408\u308f\u305b\u3066 "
                        "\u65e5\u672c\u8a9e\u306e\u8aac\u660e"),
    ("combdesc", 20003, "Cafe\u0301 re\u0301sume\u0301 nai\u0308ve words with combining accents "
                        "that take no column of their own at all in any terminal"),
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(head)
    for name, port, desc in rows:
        f.write("%s,%d,tcp,%s,,,,,,,,\n" % (name, port, desc))
PY
run "$PORTKIT" import "$CLI_TMP/reg.csv" -o "$CLI_TMP/reg.idx"
expect "import the wide-text fixture" 0

for cols in 40 80 200; do
	tty_run "$cols" --index "$CLI_TMP/reg.idx" 20001-20003
	w=$(widest)
	check "lookup at $cols columns: widest line $w fits" test "$w" -le "$cols"
	# Folded at word boundaries: every word of the description is whole.
	for word in description narrower columns; do
		check "lookup at $cols columns: '$word' is not split" grep -q "$word" "$CLI_TMP/tty.out"
	done
	check "lookup at $cols columns: the wide text is whole" grep -q "$(printf "\346\227\245\346\234\254\350\252\236\343\201\256\350\252\254\346\230\216")" "$CLI_TMP/tty.out"
	check "lookup at $cols columns: combining marks stay with their letter" grep -q "$(printf "re\314\201sume\314\201")" "$CLI_TMP/tty.out"
	tty_run "$cols" ranges
	w=$(widest)
	check "ranges at $cols columns: widest line $w fits" test "$w" -le "$cols"
	check "ranges at $cols columns: every profile is there" grep -q "rfc6056" "$CLI_TMP/tty.out"
	tty_run "$cols" sim --connections 300 --leak-trials 20 --occupancy 0.5 --algo linux,sequential
	w=$(widest)
	check "sim at $cols columns: widest line $w fits" test "$w" -le "$cols"
	check "sim at $cols columns: every column is there" grep -q "CHI2/DF" "$CLI_TMP/tty.out"
	check "sim at $cols columns: the progress line is erased" \
		sh -c 'tail -c 4000 "$1" | grep -q "$(printf "\r\033\\[K")"' _ "$CLI_TMP/tty.out"
done
tty_run 200 --index "$CLI_TMP/reg.idx" 20001
check "at 200 columns nothing is folded" test "$(grep -c '^ ' "$CLI_TMP/tty.out")" -eq 0

# Colour: bold headers on a terminal unless NO_COLOR or --color=never.
esc=$(printf '\033\\[1m')
tty_run 80 443
check "colour on a terminal by default" grep -q "$esc" "$CLI_TMP/tty.out"
tty_run 80 --color=never 443
check "--color=never: none" sh -c '! grep -q "$1" "$2"' _ "$esc" "$CLI_TMP/tty.out"
python3 "$CLI_TMP/ttyrun.py" 80 env NO_COLOR=1 "$PORTKIT" 443 > "$CLI_TMP/tty.out" 2>&1
check "NO_COLOR: none" sh -c '! grep -q "$1" "$2"' _ "$esc" "$CLI_TMP/tty.out"
python3 "$CLI_TMP/ttyrun.py" 80 env NO_COLOR=1 "$PORTKIT" --color=always 443 > "$CLI_TMP/tty.out" 2>&1
check "--color=always wins over NO_COLOR" grep -q "$esc" "$CLI_TMP/tty.out"
run "$PORTKIT" --color=always 443
check "--color=always through a pipe" sh -c 'printf "%s\n" "$1" | grep -q "$2"' _ "$out" "$esc"
run "$PORTKIT" --color 443
check "--color alone is always" sh -c 'printf "%s\n" "$1" | grep -q "$2"' _ "$out" "$esc"
run "$PORTKIT" --color=auto 443
check "--color=auto through a pipe: none" sh -c '! printf "%s\n" "$1" | grep -q "$2"' _ "$out" "$esc"
