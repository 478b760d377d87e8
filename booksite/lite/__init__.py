"""The in-browser edition (JupyterLite + Pyodide): ``python -m booksite.lite.build`` (``make lite``)."""
