# Sourced by the benchmarks: nginx serving a directory on loopback, with its own config, pid
# file, temp paths and log, in the foreground of a background job; one worker process, so the
# program under test keeps the other core.
#   nginx_start SITE_DIR WORK_DIR   sets nginx_port and nginx_pid; exits 1 when nginx fails
#   nginx_stop                      stops it (idempotent)
nginx_pid=""
nginx_port=""

nginx_start() {
  local site=$1 dir=$2 user_line=""
  nginx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir/tmp"
  # Only a root master switches worker users; keep the workers as the current user (not
  # nobody, who could not read a 0700 work directory).
  [ "$(id -u)" -eq 0 ] && user_line="user root root;"
  cat >"$dir/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  log_not_found off;  # crawlers probe /sitemap.xml; a 404 is not an error here
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  types { text/html html; text/plain txt; }
  default_type application/octet-stream;
  sendfile on;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$nginx_port;
    root $site;
    index index.html;
  }
}
EOF
  nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" &
  nginx_pid=$!
  # Up once it answers at all (a 404 too: a real site such as the PostgreSQL manual has no
  # robots.txt).
  local url="http://127.0.0.1:$nginx_port/robots.txt"
  for _ in $(seq 100); do
    curl -s -o /dev/null "$url" && return 0
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$dir/error.log" >&2; echo "nginx did not start" >&2; exit 1; }
    sleep 0.05
  done
  echo "nginx not answering on port $nginx_port" >&2
  exit 1
}

nginx_stop() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  nginx_pid=""
}
