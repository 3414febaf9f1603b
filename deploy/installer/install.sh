#!/usr/bin/env bash
# Installs isobox on a Kubernetes node: the binary, and the isobox runtime in containerd's config (idempotent).
#
# usage: install.sh [--binary PATH] [--install-path PATH] [--config PATH] [--containerd CMD|none]
#                   [--restart-cmd CMD] [--dry-run] [--uninstall]
#   --binary PATH        the isobox binary to install (default: isobox beside this script)
#   --install-path PATH  where it goes, and the BinaryName containerd is given (default /usr/local/bin/isobox)
#   --config PATH        containerd's config (default /etc/containerd/config.toml; created if missing)
#   --containerd CMD     the containerd binary, used to tell 1.x from 2.x when the config has no version
#                        line and to check the patched config parses (`containerd config dump`);
#                        `none` skips both (default: containerd)
#   --restart-cmd CMD    run when the config changed (default: systemctl restart containerd)
#   --dry-run            print what would change (a diff of the config), change nothing
#   --uninstall          remove the installer's block from the config and the installed binary
# The runtime goes between two marker lines; a second run finds the block and leaves an identical file
# (containerd is restarted only when the file changed). Before each change the previous config is kept
# in PATH.isobox-backup. Config version 2 (containerd 1.x) gets deploy/containerd/config-v1.toml,
# version 3 (containerd 2.x) gets config-v2.toml, with BinaryName set to --install-path.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary="$here/isobox"
install_path=/usr/local/bin/isobox
config=/etc/containerd/config.toml
containerd=containerd
restart_cmd="systemctl restart containerd"
dry_run=0
uninstall=0
snippets=""
candidate=""
changed=0
cleanup=()
trap 'rm -f "${cleanup[@]}"' EXIT
begin_marker="# BEGIN isobox runtime (added by isobox's install.sh; remove with install.sh --uninstall)"
end_marker="# END isobox runtime"

die() {
  echo "isobox-install: error: $*" >&2
  exit 1
}
say() { echo "isobox-install: $*"; }

need_value() { (($# >= 2)) && [[ -n $2 ]] || die "$1 needs a value (see --help)"; }

parse_args() {
  while (($#)); do
    case $1 in
      --binary) need_value "$@"; binary=$2; shift 2 ;;
      --install-path) need_value "$@"; install_path=$2; shift 2 ;;
      --config) need_value "$@"; config=$2; shift 2 ;;
      --containerd) need_value "$@"; containerd=$2; shift 2 ;;
      --restart-cmd) need_value "$@"; restart_cmd=$2; shift 2 ;;
      --dry-run) dry_run=1; shift ;;
      --uninstall) uninstall=1; shift ;;
      -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ $install_path =~ ^/[A-Za-z0-9._/+-]+$ ]] \
    || die "--install-path must be an absolute path of letters, digits and ._/+-: $install_path"
}

# The snippets live in deploy/containerd/ in the source tree, beside the script in the installer image.
find_snippets() {
  local d
  for d in "$here/../containerd" "$here/containerd"; do
    [[ -f $d/config-v1.toml && -f $d/config-v2.toml ]] && { snippets=$(cd "$d" && pwd); return; }
  done
  die "config-v1.toml and config-v2.toml not found in $here/../containerd or $here/containerd"
}

# The value of the top-level `version = N` line, or nothing.
config_version() {
  [[ -f $config ]] || return 0
  sed -n 's/^version[[:space:]]*=[[:space:]]*\([0-9][0-9]*\)[[:space:]]*\(#.*\)\{0,1\}$/\1/p' "$config" | head -n1
}

# containerd's major version (1 or 2) from `containerd --version`.
containerd_major() {
  [[ $containerd != none ]] || die "$config has no version line; pass --containerd to tell 1.x from 2.x"
  local out
  out=$("$containerd" --version 2>/dev/null) || die "cannot run '$containerd --version'"
  out=$(awk '{print $3}' <<<"$out")
  out=${out#v}
  [[ ${out%%.*} =~ ^[12]$ ]] || die "containerd version '$out' is neither 1.x nor 2.x"
  echo "${out%%.*}"
}

# True when the file has nothing but blank lines and comments.
only_comments() { [[ ! -f $1 ]] || ! grep -qv '^[[:space:]]*\(#.*\)\{0,1\}$' "$1"; }

# The config version to patch: the file's own, or (for a new or comments-only file) the one matching
# the installed containerd. Checked against containerd's major version when containerd is known.
target_version() {
  local v major=""
  v=$(config_version)
  [[ $containerd == none ]] || major=$(containerd_major)
  if [[ -z $v ]]; then
    only_comments "$config" || die "$config has settings but no 'version = 2|3' line (a version 1 config," \
      "whose plugin names this installer does not write); migrate it to version 2 first"
    [[ -n $major ]] || major=$(containerd_major)
    v=$((major + 1))
  fi
  [[ $v == 2 || $v == 3 ]] || die "$config: config version $v is not supported (2 for containerd 1.x, 3 for 2.x)"
  [[ ! ($v == 3 && $major == 1) ]] || die "$config has version = 3, which containerd 1.x does not read"
  echo "$v"
}

# The marked block for config version $1: the snippet's TOML without its comment header, BinaryName set.
render_block() {
  local snippet=$snippets/config-v1.toml
  [[ $1 == 3 ]] && snippet=$snippets/config-v2.toml
  echo "$begin_marker"
  grep -v '^#' "$snippet" | sed "s|^\([[:space:]]*BinaryName = \).*|\1\"$install_path\"|"
  echo "$end_marker"
}

# The config without the installer's block (the block's lines, markers included, removed).
strip_block() {
  [[ -f $config ]] || return 0
  awk -v b="$begin_marker" -v e="$end_marker" '$0 == b {skip = 1} !skip {print} $0 == e {skip = 0}' "$config"
}

# What the config should hold: $1 = install or uninstall.
desired_config() {
  local stripped version
  stripped=$(strip_block; echo x)
  stripped=${stripped%x}
  if [[ $1 == uninstall ]]; then printf '%s' "$stripped"; return; fi
  version=$(target_version)
  if grep -Eq '^[[:space:]]*\[[^#]*\.runtimes\.("isobox"|isobox)\]' <<<"$stripped"; then
    die "$config already defines a runtime named isobox outside the installer's block; remove it first"
  fi
  [[ -z $(config_version) ]] && printf 'version = %s\n' "$version"
  printf '%s' "$stripped"
  [[ -z $stripped || $stripped == *$'\n' ]] || echo
  render_block "$version"
}

# The binary must run here: it is linked against shared libraries the node may lack.
check_binary() {
  [[ -f $binary && -x $binary ]] || die "no executable isobox at $binary (pass --binary)"
  local err
  err=$("$binary" --version 2>&1 >/dev/null) \
    || die "$binary does not run on this node: $(head -n1 <<<"$err")"
}

# Copies the binary to --install-path (through a temporary file and a rename) unless it is already there.
install_binary() {
  if cmp -s "$binary" "$install_path"; then say "binary $install_path: up to date"; return; fi
  if ((dry_run)); then say "binary $install_path: would install $binary"; return; fi
  mkdir -p "$(dirname "$install_path")"
  cp "$binary" "$install_path.isobox-new"
  chmod 0755 "$install_path.isobox-new"
  mv -f "$install_path.isobox-new" "$install_path"
  say "binary $install_path: installed from $binary"
}

remove_binary() {
  [[ -e $install_path ]] || { say "binary $install_path: not there"; return; }
  if ((dry_run)); then say "binary $install_path: would remove"; else rm -f "$install_path" && say "binary $install_path: removed"; fi
}

# Checks that containerd itself parses the candidate file (skipped with --containerd none).
validate() {
  [[ $containerd != none ]] || return 0
  local err
  err=$("$containerd" --config "$1" config dump 2>&1 >/dev/null) || die "the patched config does not load: $err"
}

# Computes the desired config ($1 = install or uninstall) into $candidate and checks containerd loads it.
prepare_config() {
  candidate=$(mktemp "${TMPDIR:-/tmp}/isobox-config.XXXXXX")
  cleanup+=("$candidate" "$config.isobox-new")
  desired_config "$1" >"$candidate"
  if [[ -f $config ]] && cmp -s "$candidate" "$config"; then changed=0; return; fi
  [[ -f $config || -s $candidate ]] || { changed=0; return; }
  changed=1
  [[ $1 == uninstall ]] || validate "$candidate"
}

# Writes $candidate over the config when it differs, and restarts containerd then.
apply_config() {
  if ((!changed)); then say "config $config: up to date"; return; fi
  if ((dry_run)); then
    say "config $config: would change:"
    diff -u "$([[ -f $config ]] && echo "$config" || echo /dev/null)" "$candidate" || true
    return
  fi
  write_config "$candidate"
  say "config $config: ${1}ed the isobox runtime"
  say "restarting containerd: $restart_cmd"
  bash -c "$restart_cmd" || die "'$restart_cmd' failed"
}

# Replaces the config by $1 with a rename, keeping the previous file in $config.isobox-backup.
write_config() {
  mkdir -p "$(dirname "$config")"
  cp "$1" "$config.isobox-new"
  if [[ -f $config ]]; then
    cp -p "$config" "$config.isobox-backup"
    chmod --reference="$config" "$config.isobox-new"
    say "config $config: previous version kept in $config.isobox-backup"
  else
    chmod 0644 "$config.isobox-new"
  fi
  mv -f "$config.isobox-new" "$config"
}

main() {
  parse_args "$@"
  find_snippets
  local action=install
  ((uninstall)) && action=uninstall
  ((uninstall)) || check_binary
  prepare_config "$action"
  if ((uninstall)); then
    apply_config "$action"
    remove_binary
  else
    install_binary
    apply_config "$action"
  fi
}

main "$@"
