# Sourced by the startup benchmarks: hyperfine in rounds whose command order rotates, so a load
# that drifts on a shared machine hits every command alike (hyperfine alone runs one command's
# runs, then the next's), and medians over all rounds' times.

# bench_rounds RUNS DIR NAME CMD [NAME CMD...]: RUNS runs of each command in all, in up to 5
# rounds (one warm-up run each), hyperfine's JSON in DIR/round-*.json.
bench_rounds() {
  local runs=$1 dir=$2
  shift 2
  local -a cmds=("$@")
  local rounds=$((runs >= 10 ? 5 : 1)) r n i args
  for ((r = 0; r < rounds; r++)); do
    n=$(((runs + rounds - 1 - r) / rounds))
    args=()
    for ((i = 0; i < ${#cmds[@]}; i += 2)); do
      local k=$(((i + 2 * r) % ${#cmds[@]}))
      args+=(-n "${cmds[k]}" "${cmds[k + 1]}")
    done
    hyperfine -N --warmup 1 --runs "$n" --export-json "$dir/round-$r.json" "${args[@]}" >&2
  done
}

# bench_medians DIR: {"NAME": median ms, ...} over every round's times.
bench_medians() {
  jq -cs '[.[].results[]] | group_by(.command) | map({(.[0].command): ([.[].times[]] | sort |
    (if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end)
    * 1000 | . * 100 | round / 100)}) | add' "$1"/round-*.json
}
