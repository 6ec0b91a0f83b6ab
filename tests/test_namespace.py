"""The `pipeline` / `transforms` import clash (issue 12): cs-synth ships its
folders under the `cs_synth` namespace, so unrelated top-level packages
of the same names (PyPI has both) do not shadow or break it."""
import ast
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = ("pipeline", "transforms", "beam_jobs")


def test_foreign_pipeline_and_transforms_packages_do_not_shadow_cs_synth(tmp_path):
    # a foreign "site-packages" holding packages named like our folders, first on sys.path
    site = tmp_path / "site"
    for name in ("pipeline", "transforms"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(f"FOREIGN = {name!r}\n")
    code = textwrap.dedent("""
        import pipeline, transforms
        from cs_synth.pipeline import augment
        import cs_synth.transforms.translit.recipe
        out = augment("Hello world .", recipe="translit",
                      backend="icu", transform_id="Latin-ASCII", src_lang="en", seed=0)
        print(pipeline.FOREIGN, transforms.FOREIGN, type(out).__name__)
    """)
    env = dict(os.environ, PYTHONPATH=str(site))
    res = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.split()[:2] == ["pipeline", "transforms"]


def _imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name


def test_no_module_imports_a_bare_top_level_name():
    bad = []
    for top in TOP + ("tests", "benchmarks", "tools"):
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for f in files:
                if f.endswith(".py"):
                    path = os.path.join(folder, f)
                    for mod in _imports(path):
                        if mod.split(".")[0] in TOP:
                            bad.append(f"{os.path.relpath(path, ROOT)}: {mod}")
    assert not bad, bad[:20]


def test_setup_ships_everything_under_cs_synth():
    src = open(os.path.join(ROOT, "setup.py"), encoding="utf-8").read()
    assert 'package_dir={"cs_synth": "cs_synth"' in src
    assert "cs-synth=cs_synth.beam_jobs.cli:main" in src
