// Matplotlib's font list as Pyodide's matplotlib builds it, for the in-browser edition's build
// (book/lite/build.py): the kernel then reads it instead of building it at the reader's first plot
// ("Matplotlib is building the font cache").
//
//     node font_cache.js <folder with pyodide.js, the lock and the wheels>
//
// Prints one JSON object: {name: "fontlist-v<version>.json", site: <site-packages>, json: <text>}.
const path = require("path");
const dir = path.resolve(process.argv[2]) + path.sep;
const { loadPyodide } = require(dir + "pyodide.js");

(async () => {
  const quiet = () => {};
  const py = await loadPyodide({ indexURL: dir, env: { MPLCONFIGDIR: "/tmp/matplotlib" },
                                 stdout: quiet, stderr: quiet });
  await py.loadPackage(["matplotlib"], { messageCallback: quiet, errorCallback: (m) => console.error(m) });
  const out = py.runPython(`
import json, site
import matplotlib.font_manager as fm
json.dumps({"name": f"fontlist-v{fm.FontManager.__version__}.json", "site": site.getsitepackages()[0],
            "json": json.dumps(fm.fontManager, cls=fm._JSONEncoder, indent=2)})
`);
  process.stdout.write(out);
})().catch((error) => { console.error(error); process.exit(1); });
