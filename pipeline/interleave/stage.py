"""The interleave stage object: one document in, its training sequences (or
a document reject with a reason) out.  The Beam job
(:mod:`cs_synth.beam_jobs.interleave`) groups the kept sentences of each document
and calls :meth:`InterleaveStage.process`; built once per process through
:func:`cs_synth.pipeline.stages.stage`.

Document reject reasons: ``too_short`` (fewer kept sentences on a side than
``interleave.min_sentences``), ``one_side_empty`` (a comparable pair where
one document has no kept sentences) and ``no_pair_found`` (a comparable
document with no partner).
"""
from __future__ import annotations

import os
from typing import List, Optional, Sequence, Tuple

from cs_synth.pipeline.interleave.documents import Sentence, merge_pairs, sentence_of
from cs_synth.pipeline.interleave.segment import build_segments, group_sentences, join_pieces, split_segment
from cs_synth.pipeline.interleave.sequences import assemble, order_segments, windows
from cs_synth.pipeline.interleave.tokenizer import build_tokenizer
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import ConfigError


def _documents_configured(inp) -> bool:
    return bool(getattr(inp, "doc_field", None) or getattr(inp, "doc_lines", None))


class InterleaveStage:
    name = "interleave"

    def __init__(self, cfg):
        self.config = ic = getattr(cfg, "interleave", None)
        self.enabled = ic is not None
        if ic is None:
            return
        inp, ctx = cfg.input, cfg.context()
        self.seed = cfg.seed
        self.other_input = None
        if not _documents_configured(inp):
            raise ConfigError("input.doc_field: the interleave stage needs documents; set input.doc_field "
                              "(jsonl/parquet/arrow) or input.doc_lines (every N lines form a document)")
        if ic.comparable is None and not inp.tgt_lang:
            raise ConfigError("input.tgt_lang: interleaving parallel documents needs a target side; set "
                              "input.tgt_lang, or pair two monolingual collections with interleave.comparable")
        if ic.comparable is not None:
            from cs_synth.pipeline.config import InputConfig, check_block

            where = "interleave.comparable.input"
            if inp.tgt_lang:
                raise ConfigError("input.tgt_lang: with interleave.comparable the input is one monolingual "
                                  "collection; remove tgt_lang")
            other = check_block(InputConfig, ic.comparable.input, where)
            if other.tgt_lang:
                raise ConfigError(f"{where}.tgt_lang: the other collection is monolingual; its language is "
                                  f"{where}.src_lang")
            if other.src_lang == inp.src_lang:
                raise ConfigError(f"{where}.src_lang: the other collection has the language of input.src_lang "
                                  f"({inp.src_lang!r})")
            if not _documents_configured(other):
                raise ConfigError(f"{where}.doc_field: the other collection needs documents too; set "
                                  f"{where}.doc_field or {where}.doc_lines")
            self.other_input = other
            if ic.comparable.pair_by == "embeddings":
                model = ctx.resolve(ic.comparable.model)
                if not os.path.isdir(model) or not os.path.exists(os.path.join(model, "config.json")):
                    raise ConfigError(f"interleave.comparable.model: no model folder (with config.json) at {model}")
                from cs_synth.pipeline.interleave.pairing import Encoder

                self.encoder = Encoder(model, batch_size=ic.comparable.batch_size,
                                       max_length=ic.comparable.max_length, device=ic.comparable.device)
        self.src_lang = inp.src_lang
        self.tgt_lang = inp.tgt_lang or self.other_input.src_lang
        self.tokenizer = build_tokenizer(ic.tokenizer, ctx.resolve)
        tags = dict(ic.lang_tags)
        costs = self.tokenizer.count_batch(list(tags.values()) + [ic.separator])
        self.tag_cost = dict(zip(tags, costs[:-1]))
        self.sep_cost = costs[-1]
        for lang, cost in self.tag_cost.items():
            if cost >= ic.context_length:
                raise ConfigError(f"interleave.lang_tags.{lang}: the tag is {cost} tokens, which leaves no room "
                                  f"in interleave.context_length ({ic.context_length})")
        self.tags = tags

    # -- what one kept record carries to its document ------------------------
    def sentence(self, record) -> Tuple[str, Sentence]:
        return sentence_of(record, with_cs=bool(self.config.codeswitched) and not record.rejected)

    def takes_rejected(self, record) -> bool:
        """Whether a rejected record still brings its pair's text to the
        document: rejected after reading, with ``keep_rejected_pairs``, and
        with both sides (a read reject has no valid text)."""
        return (self.config.keep_rejected_pairs and record.reject_stage != "read"
                and (record.tgt is not None or self.other_input is not None))

    # -- one document --------------------------------------------------------
    def _reject(self, doc: str, reason: str, detail: str, n_read: int, n_src: int, n_tgt: int,
                tgt_doc: Optional[str] = None) -> dict:
        return {"id": doc, "doc_id": doc, "src_doc": doc, "tgt_doc": tgt_doc if tgt_doc is not None else doc,
                "reject_reason": reason, "reject_detail": detail, "sentences_read": n_read,
                "src_sentences": n_src, "tgt_sentences": n_tgt}

    def _segments(self, side: str, lang: str, pieces, ids, groups):
        return build_segments(side, lang, pieces, ids, groups, self.tokenizer)

    def _groups(self, *sides) -> List[Tuple[int, int]]:
        ic = self.config
        if ic.segment == "tokens":
            counts = list(zip(*[self.tokenizer.count_batch([p.text for p in pieces]) for pieces in sides]))
        else:
            counts = [()] * len(sides[0])
        return group_sentences(counts, ic.segment, ic.sentences_per_segment, ic.segment_tokens)

    def process(self, doc: str, sentences: Sequence[Sentence], n_read: int,
                other: Optional[Sequence[Sentence]] = None, other_doc: Optional[str] = None,
                similarity: Optional[float] = None) -> Tuple[List[dict], Optional[dict]]:
        """``(sequence rows, None)`` or ``([], document reject row)``."""
        ic = self.config
        src_sents = merge_pairs(sentences)
        if ic.comparable is None:
            n = len(src_sents)
            if n < ic.min_sentences or n == 0:
                return [], self._reject(doc, "too_short", f"{n} of {n_read} sentence pairs kept; "
                                        f"interleave.min_sentences is {ic.min_sentences}", n_read, n, n)
            groups = self._groups([s.src for s in src_sents], [s.tgt for s in src_sents])
            ids = [s.pair_id for s in src_sents]
            src = self._segments("src", self.src_lang, [s.src for s in src_sents], ids, groups)
            tgt = self._segments("tgt", self.tgt_lang, [s.tgt for s in src_sents], ids, groups)
            if ic.codeswitched:
                src = self._mix_codeswitched(doc, src, src_sents, groups)
            tgt_doc = doc
        else:
            tgt_sents = merge_pairs(other or ())
            n_src, n_tgt = len(src_sents), len(tgt_sents)
            if not n_src or not n_tgt:
                empty = "input" if not n_src else "other"
                return [], self._reject(doc, "one_side_empty", f"the {empty} document of the pair has no kept "
                                        f"sentences ({n_src} and {n_tgt})", n_read, n_src, n_tgt, other_doc)
            if min(n_src, n_tgt) < ic.min_sentences:
                return [], self._reject(doc, "too_short", f"{n_src} and {n_tgt} sentences; interleave."
                                        f"min_sentences is {ic.min_sentences}", n_read, n_src, n_tgt, other_doc)
            sg = self._groups([s.src for s in src_sents])
            tg = self._groups([s.src for s in tgt_sents])
            src = self._segments("src", self.src_lang, [s.src for s in src_sents],
                                 [s.pair_id for s in src_sents], sg)
            tgt = self._segments("tgt", self.tgt_lang, [s.src for s in tgt_sents],
                                 [s.pair_id for s in tgt_sents], tg)
            tgt_doc = other_doc
        rng = derive_rng(self.seed, doc, "interleave.pattern") if ic.pattern == "random" else None
        ordered = []
        for seg in order_segments(src, tgt, ic.pattern, ic.first, rng):
            ordered.extend(split_segment(seg, ic.context_length - self.tag_cost.get(seg.lang, 0), self.tokenizer))
        costs = [s.n_tokens + self.tag_cost.get(s.lang, 0) for s in ordered]
        wins = windows(costs, self.sep_cost, ic.context_length, ic.stride)
        rows = []
        for w, (i, j, total) in enumerate(wins):
            text, spans, segs = assemble(ordered[i:j], self.tags, ic.separator)
            rows.append({"id": f"{doc}#{w:05d}", "text": text, "doc_id": doc, "src_doc": doc, "tgt_doc": tgt_doc,
                         "src_lang": self.src_lang, "tgt_lang": self.tgt_lang, "pattern": ic.pattern,
                         "window": w, "n_windows": len(wins), "n_tokens": total, "similarity": similarity,
                         "segments": segs, "lang_spans": spans})
        return rows, None

    def document(self, doc: str, n_read: int, src: Sequence[Sentence], *, tgt: Optional[Sequence[Sentence]] = None,
                 tgt_read: int = 0, partner: Optional[Tuple[str, float, Sequence[Sentence]]] = None):
        """One document as the job sees it after grouping: its read count,
        its kept sentences and, for comparable documents, the other side
        (``tgt``/``tgt_read`` when paired by key, ``partner`` = (document,
        cosine, sentences) or None when paired by embeddings).  Returns
        ``(rows, reject row or None)``."""
        src = list(src)
        c = self.config.comparable
        if doc == "":  # (the read stage rejects such rows; counted, never dropped, if a reader slips)
            return [], self._reject(doc, "no_document_id", "kept records whose reader gave no document id",
                                    n_read, len(src), 0)
        if c is None:
            return self.process(doc, src, n_read)
        if c.pair_by == "key":
            if not tgt and not tgt_read:
                return [], self._reject(doc, "no_pair_found", "the other collection has no document with this id",
                                        n_read, len(src), 0, "")
            return self.process(doc, src, n_read, list(tgt or ()), doc)
        if not src:
            return [], self._reject(doc, "too_short", f"0 of {n_read} sentences kept", n_read, 0, 0, "")
        if partner is None:
            return [], self._reject(doc, "no_pair_found", "no document of the other collection within cosine >= "
                                    f"{c.min_similarity}" + (" that is also its nearest neighbour (mutual)"
                                                             if c.mutual else ""), n_read, len(src), 0, "")
        tgt_doc, sim, sents = partner
        return self.process(doc, src, n_read, list(sents), tgt_doc, sim)

    def _mix_codeswitched(self, doc: str, src, sents, groups):
        """Each source segment whose sentences all have a code-switched
        output is replaced by them with probability ``codeswitched``; one
        draw per segment from (seed, document), drawn for every segment."""
        rng = derive_rng(self.seed, doc, "interleave.codeswitched")
        out = []
        for seg, (a, b) in zip(src, groups):
            draw = rng.random()
            part = sents[a:b]
            if draw < self.config.codeswitched and all(s.cs is not None for s in part):
                piece = join_pieces([s.cs for s in part], " ")
                n = self.tokenizer.count_batch([piece.text])[0]
                seg = seg._replace(side="cs", record_ids=tuple(s.cs_id for s in part), piece=piece, n_tokens=n)
            out.append(seg)
        return out

    # -- comparable pairing by embeddings -------------------------------------
    def embed(self, sentences: Sequence[Sentence]) -> List[float]:
        return self.encoder.embed_document([s.src.text for s in merge_pairs(sentences)])
