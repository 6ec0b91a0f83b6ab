"""The interleave job's path without Beam, for a list of read records (as
:func:`cs_synth.pipeline.api.run_records` is for the sentence-level job): tests check
that it gives the job's rows, and small callers can use it directly."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from cs_synth.pipeline.interleave.documents import doc_of
from cs_synth.pipeline.record import Record


def _sentences(st, records) -> Dict[str, list]:
    docs: Dict[str, list] = {}
    for r in records:
        if r.rejected and not st.takes_rejected(r):
            continue
        doc, s = st.sentence(r)
        docs.setdefault(doc if doc is not None else "", []).append(s)
    return docs


def _counts(records) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for r in records:
        d = doc_of(r)
        if d is not None:
            out[d] = out.get(d, 0) + 1
    return out


def interleave_records(cfg, records: Sequence[Record],
                       other: Optional[Sequence[Record]] = None) -> Tuple[List[dict], List[dict]]:
    """``(sequence rows, document reject rows)``, each sorted by id, for the
    read ``records`` of ``input`` (and, for comparable documents, the read
    records of the other collection)."""
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.api import run_records

    st = stages.stage(cfg, "interleave")
    settled = run_records(cfg, [r for r in records if not r.rejected])
    src = _sentences(st, [r for outs in settled for r in outs])
    n_read = _counts(records)
    rows, rejects = [], []
    c = cfg.interleave.comparable
    if c is not None:
        other = list(other or ())
        tgt = _sentences(st, [r for r in other if not r.rejected])
        tgt_read = _counts(other)
        if c.pair_by == "embeddings":
            from cs_synth.pipeline.interleave.pairing import nearest

            pairs = nearest([(d, st.embed(s)) for d, s in src.items()], [(d, st.embed(s)) for d, s in tgt.items()],
                            c.min_similarity, c.mutual)
    for doc in sorted(n_read):
        sents = src.get(doc, [])
        if c is None:
            out, rej = st.document(doc, n_read[doc], sents)
        elif c.pair_by == "key":
            out, rej = st.document(doc, n_read[doc], sents, tgt=tgt.get(doc, []), tgt_read=tgt_read.get(doc, 0))
        else:
            partner = (pairs[doc][0], pairs[doc][1], tgt[pairs[doc][0]]) if doc in pairs else None
            out, rej = st.document(doc, n_read[doc], sents, partner=partner)
        rows += out
        if rej is not None:
            rejects.append(rej)
    return sorted(rows, key=lambda r: r["id"]), sorted(rejects, key=lambda r: r["id"])
