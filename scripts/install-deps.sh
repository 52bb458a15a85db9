#!/usr/bin/env bash
# Installs the Debian packages given as arguments when their commands are missing (idempotent, quiet).
set -euo pipefail
declare -A command_of=([nghttp2-client]=h2load [curl]=curl [nginx]=nginx [apache2-utils]=ab [wrk]=wrk [haproxy]=haproxy [caddy]=caddy [etcd-server]=etcd)
# Packages whose programs are not on PATH: a file they install.
declare -A file_of=([zookeeper]=/usr/share/zookeeper/bin/zkServer.sh)
missing=()
for package in "$@"; do
  if [ -n "${file_of[$package]:-}" ]; then
    [ -e "${file_of[$package]}" ] || missing+=("$package")
  else
    command -v "${command_of[$package]:-$package}" >/dev/null 2>&1 || missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
