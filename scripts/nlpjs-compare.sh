#!/bin/sh
# Runs NLP.js on the same folds as `salama eval match` and reports it beside
# Salama's matcher and BM25 (docs/MATCHING.md). Needs Go, Node and npm (the
# packages come from the npm registry); it is not part of CI.
#
#   scripts/nlpjs-compare.sh [salama eval match flags, e.g. --format json]
#
# NLPJS_PEER is the NLP.js harness (default ../shared/peers/nlpjs, as seen
# from the repository root); FOLDS the number of folds (default 5); WORK a
# folder to keep the folds, answers and logs in (default a new temporary one).
set -eu
folds=${FOLDS:-5}
peer=${NLPJS_PEER:-../shared/peers/nlpjs}
work=${WORK:-$(mktemp -d)}
if [ ! -f "$peer/peer.js" ]; then
	echo "no NLP.js harness at $peer (set NLPJS_PEER)" >&2
	exit 2
fi
go build -o "$work/salama" ./cmd/salama
"$work/salama" eval match --folds "$folds" --export "$work/folds"
mkdir -p "$work/peer"
cp -r "$peer/." "$work/peer"
(cd "$work/peer" && npm install --no-audit --no-fund >"$work/npm.log" 2>&1)
# NLP.js trains on one core: run the folds side by side
for f in $(seq 0 $((folds - 1))); do
	d="$work/folds/fold$f"
	node "$work/peer/peer.js" "$d/corpus.json" "$d/questions.jsonl" >"$d/answers.jsonl" 2>"$d/nlpjs.log" &
done
wait
for f in $(seq 0 $((folds - 1))); do
	grep '^nlpjs:' "$work/folds/fold$f/nlpjs.log" | sed "s/^/fold $f: /" >&2
done
"$work/salama" eval match --folds "$folds" --peer "$work/folds" "$@"
echo "folds, answers and logs: $work" >&2
