"""Read an answer's source, from outside the sandbox, for a ready-made implementation it calls.

The tripwire (tripwire.py) catches a shortcut where the code runs; this is the second look, which
code in the sandbox cannot disarm: the names a notebook binds to banned modules (``import nnlib``,
``from scipy.special import expit``, ``sig = nnlib.get_activation("sigmoid")``) and whether the body
of the function a question asks for reads one of them.
"""
import ast

from .tripwire import BANNED


def _banned(module):
    return any(module == b or module.startswith(b + ".") for b in BANNED)


def _tainted(trees):
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update((a.asname or a.name).split(".")[0] for a in node.names if _banned(a.name))
            elif isinstance(node, ast.ImportFrom) and node.module and _banned(node.module):
                names.update(a.asname or a.name for a in node.names)
    for _ in range(3):  # module-level names computed from banned ones, a few steps deep
        for tree in trees:
            for node in tree.body:
                if isinstance(node, ast.Assign) and _reads(node.value, names):
                    for target in node.targets:
                        names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _reads(node, names):
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def shortcut_in_source(sources, function):
    """The banned name the last definition of ``function`` reads, or None."""
    trees = []
    for source in sources:
        try:
            trees.append(ast.parse(source))
        except SyntaxError:
            continue
    names = _tainted(trees)
    found = None
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                found = None
                for n in ast.walk(node):
                    if isinstance(n, ast.Name) and n.id in names:
                        found = n.id
                        break
                    if isinstance(n, (ast.Import, ast.ImportFrom)):
                        module = n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
                        if module and _banned(module):
                            found = module
                            break
    return found
