"""Moved to :mod:`pipeline.annotate.lexicon` (the entity lexicon and the
bilingual dictionaries are resources the annotate stage loads too); this
module re-exports it so ``transforms.codeswitch`` code keeps its imports."""
from pipeline.annotate.lexicon import (  # noqa: F401
    BilingualDictionary, Entity, EntityLexicon, LexiconError, PhraseIndex, fold, load_dictionary, load_lexicon,
    parse_dictionary_tsv, parse_lexicon_jsonl, parse_lexicon_tsv, tokenize)
