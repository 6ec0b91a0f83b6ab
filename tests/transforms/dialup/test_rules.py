"""One golden case (or more) for every rule of the shipped Spanish and
German rule files, each rule applied alone at rate 1."""
import pytest

from cs_synth.pipeline.rng import derive_rng
from cs_synth.transforms.dialup.ruleset import load_ruleset, shipped_path

# (language, rule id, word, expected word)
GOLDEN = [
    # Spanish: character-level phonological rules
    ("es", "s_aspiration", "mismo", "mihmo"),
    ("es", "s_aspiration", "Este", "Ehte"),
    ("es", "final_s_loss", "vamos", "vamo"),
    ("es", "seseo_z", "zapato", "sapato"),
    ("es", "seseo_c", "cerca", "serca"),
    ("es", "yeismo", "calle", "caye"),
    ("es", "intervocalic_d_loss", "todo", "too"),
    ("es", "final_d_loss", "verdad", "verda"),
    ("es", "coda_r_lateralization", "puerta", "puelta"),
    ("es", "coda_r_lateralization", "comer", "comel"),
    ("es", "coda_r_lateralization", "perro", "perro"),
    ("es", "ch_deaffrication", "muchacho", "mushasho"),
    ("es", "jota_aspiration", "trabajo", "trabaho"),
    ("es", "jota_aspiration", "gente", "hente"),
    ("es", "initial_h_aspiration", "harto", "jarto"),
    # Spanish: affix changes
    ("es", "ado_ao", "cansado", "cansao"),
    ("es", "ados_aos", "pescados", "pescaos"),
    ("es", "ada_a", "cansada", "cansá"),
    ("es", "ido_io", "perdido", "perdío"),
    ("es", "ito_ico", "momentito", "momentico"),
    ("es", "ita_ica", "ratita", "ratica"),
    ("es", "preterite_stes", "llegaste", "llegastes"),
    ("es", "preterite_istes", "dijiste", "dijistes"),
    ("es", "des_es", "despertar", "espertar"),
    ("es", "des_es", "desear", "desear"),          # 'when' blocks des- before a vowel
    # Spanish: function words
    ("es", "para_pa", "Para", "Pa"),
    ("es", "vosotros_ustedes", "vosotros", "ustedes"),
    ("es", "muy_mu", "MUY", "MU"),
    ("es", "tu_vos", "tú", "vos"),
    # German: character-level rules
    ("de", "st_sp_palatal", "ist", "ischt"),
    ("de", "st_sp_palatal", "Fenster", "Fenschter"),
    ("de", "st_sp_palatal", "Stein", "Stein"),      # word-initial st is already [ʃt]
    ("de", "ei_oa", "heiß", "hoaß"),
    ("de", "a_darkening", "Jahr", "Johr"),
    ("de", "unround_ue", "über", "iber"),
    ("de", "unround_oe", "schön", "schen"),
    ("de", "unround_eu", "heute", "heite"),
    ("de", "unround_eu", "Häuser", "Heiser"),
    ("de", "lenition_t", "Tag", "Dag"),
    ("de", "lenition_t", "Vater", "Vader"),
    ("de", "lenition_p", "Platz", "Blatz"),
    ("de", "k_spirant", "Kind", "Chind"),
    ("de", "g_to_j", "gut", "jut"),
    ("de", "ich_coronal", "nicht", "nischt"),
    # German: affix changes
    ("de", "e_apocope", "Leute", "Leut"),
    ("de", "e_apocope", "die", "die"),
    ("de", "ge_participle", "gemacht", "gmacht"),
    ("de", "ge_participle", "geht", "geht"),         # too short a stem: not a participle
    ("de", "diminutive_chen", "machen", "machen"),   # 'when': not a diminutive after a vowel
    # German: function words
    ("de", "ich", "Ich", "I"),
    ("de", "wir", "wir", "mir"),
    ("de", "noch", "noch", "no"),
]

# rules with several variants: every variant is reachable
VARIANTS = [
    ("de", "diminutive_chen", "Häuschen", {"Häusle", "Häusli", "Häuserl"}),
    ("de", "diminutive_lein", "Fräulein", {"Fräule", "Fräuli"}),
    ("de", "en_apocope", "machen", {"mache", "machn"}),
    ("de", "nicht", "nicht", {"net", "ned", "nöd", "nit"}),
    ("es", "pues_pos", "pues", {"pos", "pue", "pus"}),
]


def _apply(unit, word, seed=0):
    steps = unit.noise_word(word, derive_rng(seed, "w", unit.name))
    return steps[-1][3] if steps else word


@pytest.mark.parametrize("lang,rule,word,expected", GOLDEN, ids=[f"{g[0]}.{g[1]}:{g[2]}" for g in GOLDEN])
def test_rule_golden(isolate, lang, rule, word, expected):
    assert _apply(isolate(lang, rule), word) == expected


@pytest.mark.parametrize("lang,rule,word,expected", VARIANTS, ids=[f"{v[0]}.{v[1]}" for v in VARIANTS])
def test_rule_variants(isolate, lang, rule, word, expected):
    unit = isolate(lang, rule)
    seen = {_apply(unit, word, seed) for seed in range(60)}
    assert seen == expected


@pytest.mark.parametrize("lang", ["es", "de"])
def test_every_shipped_rule_has_a_golden_case(lang):
    rs = load_ruleset(shipped_path(lang))
    covered = {g[1] for g in GOLDEN + VARIANTS if g[0] == lang}
    rules = {r.id for r in rs.char_rules} | {r.id for r in rs.affix_rules}
    assert rules - covered == set()
    assert len(rs.char_rules) >= 8 and len(rs.affix_rules) >= 5 and len(rs.function_words) >= 15


@pytest.mark.parametrize("lang", ["es", "de"])
def test_every_function_word_swaps_to_a_listed_variant(isolate, lang):
    rs = load_ruleset(shipped_path(lang))
    for fw in rs.function_words.values():
        out = _apply(isolate(lang, fw.id), fw.word)
        assert out in fw.variants, fw.id
