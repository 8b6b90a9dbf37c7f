#!/bin/sh
# bench/serve.sh BUILDDIR - `portkit serve` under wrk next to nginx serving
# static files of the same bytes, in the same run, on 127.0.0.1:
#   - /v1/ports/443 and /v1/search?q=http at 32 connections: requests per
#     second, portkit's as a share of nginx's (goal: at least 0.5x);
#   - the same at 64 connections: p99 latency, portkit's over nginx's
#     (goal: at most 1.5x);
#   - portkit's resident memory after the runs (VmHWM, goal: under 20 MB).
# Both servers get the same number of threads (workers) as the machine
# has CPUs.  SKIP when wrk or nginx is missing.
set -u
build=$(cd "${1:-build}" && pwd) || exit 2
secs=${PK_BENCH_SERVE_SECONDS:-5}
for tool in wrk nginx python3; do
	if ! command -v "$tool" > /dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		echo "serve: SKIP ($tool is not installed; ./bootstrap installs it)"
		exit 0
	fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d)
cpus=$(getconf _NPROCESSORS_ONLN)
pk_pid="" ng_pid=""
cleanup() {
	[ -n "$pk_pid" ] && kill "$pk_pid" 2> /dev/null
	[ -n "$ng_pid" ] && kill "$ng_pid" 2> /dev/null
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

mkdir -p "$tmp/www/v1/ports" "$tmp/www/v1/search" "$tmp/xdg" "$tmp/logs"
env -u PORTKIT_INDEX XDG_DATA_HOME="$tmp/xdg" "$build/portkit" serve --quiet \
	--listen 127.0.0.1:0 --threads "$cpus" --max-connections 1024 > "$tmp/url" &
pk_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/url" ] && break; sleep 0.2; done
pk_url=$(sed -n 's/^portkit: serving \(http:[^ ]*\)\/$/\1/p' "$tmp/url" | head -1)
[ -n "$pk_url" ] || { echo "serve: portkit serve did not start"; exit 1; }

# nginx serves the very bytes portkit answers with, from files.
fetch() { python3 -c 'import sys,urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' "$1"; }
fetch "$pk_url/v1/ports/443" > "$tmp/www/v1/ports/443"
fetch "$pk_url/v1/search?q=http" > "$tmp/www/v1/search/http"
ng_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$tmp/nginx.conf" <<NGINX
worker_processes $cpus;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 2048; }
http {
	access_log off;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	default_type application/json;
	server {
		listen 127.0.0.1:$ng_port;
		root $tmp/www;
		# /v1/search?q=http: the file named by the path and query.
		location = /v1/search { try_files /v1/search/\$arg_q =404; }
	}
}
NGINX
"$NGINX" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/logs/error.log" &
ng_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$ng_port" 2> /dev/null && break
	sleep 0.2
done
ng_url="http://127.0.0.1:$ng_port"
if [ "$(fetch "$ng_url/v1/search?q=http" | cksum)" != "$(fetch "$pk_url/v1/search?q=http" | cksum)" ]; then
	echo "serve: nginx does not serve the same bytes"; exit 1
fi

# wrk's summary: requests/s and the 99th percentile in ms.
run_wrk() { # url conns
	wrk -t"$cpus" -c"$2" -d"${secs}s" --latency "$1" > "$tmp/wrk" 2>&1
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk")
	p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
		else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
		print v }' "$tmp/wrk")
	echo "${rps:-0} ${p99:-0}"
}

echo "serve: wrk -t$cpus, ${secs}s per run, portkit serve --threads $cpus vs nginx ($cpus workers), same bytes"
printf '%-22s %5s %12s %12s %7s %10s %10s %7s\n' path conns "portkit r/s" "nginx r/s" ratio "pk p99 ms" "ng p99 ms" ratio
status=0
for path in "/v1/ports/443" "/v1/search?q=http"; do
	for conns in 32 64; do
		set -- $(run_wrk "$pk_url$path" "$conns"); pk_rps=$1 pk_p99=$2
		set -- $(run_wrk "$ng_url$path" "$conns"); ng_rps=$1 ng_p99=$2
		awk -v p="$path" -v c="$conns" -v a="$pk_rps" -v b="$ng_rps" -v x="$pk_p99" -v y="$ng_p99" 'BEGIN {
			r = b > 0 ? a / b : 0; l = y > 0 ? x / y : 0
			printf "%-22s %5d %12.0f %12.0f %6.2fx %10.2f %10.2f %6.2fx\n", p, c, a, b, r, x, y, l }'
		echo "$path $conns $pk_rps $ng_rps $pk_p99 $ng_p99" >> "$tmp/results"
	done
done
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pk_pid/status")
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pk_pid/status")
echo "portkit serve memory: VmRSS ${rss} kB, peak VmHWM ${hwm} kB"
awk -v hwm="$hwm" '
	$2 == 32 && $4 > 0 { r = $3 / $4; if (r < 0.5) { bad = 1; printf "goal missed: %s at 32 connections: %.2fx nginx (goal >= 0.5x)\n", $1, r } }
	$2 == 64 && $6 > 0 { l = $5 / $6; if (l > 1.5) { bad = 1; printf "goal missed: %s p99 at 64 connections: %.2fx nginx (goal <= 1.5x)\n", $1, l } }
	END { if (hwm >= 20480) { bad = 1; print "goal missed: resident memory " hwm " kB (goal < 20 MB)" }
	      if (!bad) print "goals met: >= 0.5x nginx requests/s, p99 <= 1.5x nginx, memory < 20 MB"; exit bad }' "$tmp/results" || status=1
exit $status
