"""`import nnlib` imports numpy and nnlib, not the heavy packages a chapter may never use (issue 22).

In the browser edition (Pyodide) importing scipy costs about 2.4 s of a chapter's first output and
scikit-learn more, so nnlib imports them only where a function needs them, and in Pyodide
(``sys.platform == "emscripten"``) the sigmoid never imports scipy. Each check runs in a fresh
Python so that nothing imported by the test session hides an import.
"""
import subprocess
import sys

import pytest

HEAVY = ("scipy", "sklearn", "matplotlib", "ipywidgets", "tqdm")


def run_fresh(code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def loaded_after(code):
    """The top-level packages of HEAVY that are in sys.modules after running `code`."""
    return run_fresh(code + f"""
import sys
print(",".join(sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))))
""")


def test_import_nnlib_imports_no_heavy_package():
    assert loaded_after("import nnlib") == ""


def test_a_network_trains_without_scikit_learn_or_plotting():
    code = """
import numpy as np
import nnlib
net = nnlib.Network([2, 3, 1], seed=0)
X, y = nnlib.make_xor(n_samples=40, seed=0)
history = nnlib.train(net, X, y.reshape(-1, 1), epochs=2, batch_size=10, eta=1.0, seed=0)
"""
    loaded = loaded_after(code)
    assert "sklearn" not in loaded and "matplotlib" not in loaded and "ipywidgets" not in loaded


@pytest.mark.parametrize("name", ["sigmoid"])
def test_in_pyodide_the_sigmoid_imports_no_scipy(name):
    """Pyodide is recognised by sys.platform; there the numpy form of expit is used."""
    code = f"""
import numpy as np
import sys
sys.platform = "emscripten"   # as in Pyodide, set before nnlib is imported
import nnlib
f = nnlib.get_activation({name!r})
assert float(f(0.0)) == 0.5 and float(f.prime(0.0)) == 0.25
nnlib.Network([2, 3, 1], seed=0).forward(np.zeros(2))
"""
    assert "scipy" not in loaded_after(code)


def test_on_the_desktop_the_sigmoid_is_scipys():
    """The book's printed numbers come from scipy's expit on the desktop, as before."""
    code = """
import numpy as np
from scipy.special import expit
from nnlib import activations
z = np.linspace(-40, 40, 1001)
assert activations._expit_function() is expit
assert np.array_equal(activations.get_activation("sigmoid")(z), expit(z))
print("ok")
"""
    assert run_fresh(code) == "ok"
