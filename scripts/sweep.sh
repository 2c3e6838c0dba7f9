#!/usr/bin/env bash
# Sweep generated scenarios over seeds: bad caught / good hurt per scenario.
#   scripts/sweep.sh NAME...   (env: BIN=target/debug/moat, SEEDS="20 59", OUT=/tmp/eng/sweep, SHOW=1; default: the issue-9 scenarios and the older ones)
# Writes per-seed files under $OUT (default /tmp/eng/sweep) and prints one line a scenario;
# for each hurt good account it prints the actions naming it with SHOW=1.
set -euo pipefail
BIN=${BIN:-target/debug/moat}
SEEDS=${SEEDS:-"20 59"}
OUT=${OUT:-/tmp/eng/sweep}
SCORE=${SCORE:-../shared/tools/score.py}
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(aged-raid raid-bystanders cross-guild-takeover streamer-crossposting lure-clean-link scam-discussion stream-influx hype-moment quiet-chat raid slow-raid)
mkdir -p "$OUT"
for n in "${names[@]}"; do
  tb=0; tc=0; tg=0; tp=0; td=0; delays=()
  for s in $(seq $SEEDS); do
    d="$OUT/$s"; mkdir -p "$d"
    "$BIN" synth "$n" --seed "$s" --out "$d" --force >/dev/null 2>"$d/synth.err" || { echo "synth $n $s failed: $(head -3 "$d/synth.err")"; exit 1; }
    "$BIN" replay "$d/$n.jsonl" >"$d/$n.actions.jsonl" 2>/dev/null
    r=$(python3 "$SCORE" "$d/$n.expect.json" "$d/$n.actions.jsonl" --json)
    read -r b c g p del md < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["bad"],r["caught"],r["good"],r["punished_good"],r["deleted_good"],r["median_delay_ms"] if r["median_delay_ms"] is not None else "-")' "$r")
    tb=$((tb+b)); tc=$((tc+c)); tg=$((tg+g)); tp=$((tp+p)); td=$((td+del))
    [ "$md" != "-" ] && delays+=("$md")
    if [ "${SHOW:-0}" = 1 ] && { [ "$p" -gt 0 ] || [ "$del" -gt 0 ] || [ "$c" -lt "$b" ]; }; then
      echo "  seed $s: caught $c/$b, punished $p/$g, deleted $del"
      python3 - "$d/$n.expect.json" "$d/$n.actions.jsonl" <<'PY'
import json,sys
e=json.load(open(sys.argv[1])); good=set(e["good"]); bad=e["bad"]
acts=[json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
P={"timeout","silence","quarantine","kick","ban"}
def us(a): return [str(a.get("user_id"))]+[str(u) for u in a.get("user_ids") or []]
hit=set(); got=set()
for a in acts:
    for u in us(a):
        if u in good and (a["action"] in P or a["action"]=="delete_message") and u not in hit:
            hit.add(u); print("   GOOD", u, a["action"], a.get("detector"), a.get("reason","")[:200])
        if u in bad and (a["action"] in P or bad[u]=="flag"): got.add(u)
miss=[u for u in bad if u not in got]
if miss: print("   MISSED", len(miss), miss[:5])
PY
    fi
  done
  if [ ${#delays[@]} -gt 0 ]; then
    med=$(printf '%s\n' "${delays[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  else med=-; fi
  printf '%-24s bad %5d/%-5d good punished %3d/%-6d deleted %3d  median-of-medians delay %s ms\n' "$n" "$tc" "$tb" "$tp" "$tg" "$td" "$med"
done
