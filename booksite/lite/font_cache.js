// Matplotlib's font list as Pyodide's matplotlib builds it, for the in-browser edition's build
// (booksite/lite/build.py): the kernel then reads it instead of building it at the reader's first plot
// ("Matplotlib is building the font cache").
//
//     node font_cache.js <folder with pyodide.js, the lock and the wheels>
//
// Prints one JSON object: {path: where matplotlib reads its font list, site: <site-packages>,
// json: the font list}.
const path = require("path");
const dir = path.resolve(process.argv[2]) + path.sep;
const { loadPyodide } = require(dir + "pyodide.js");

(async () => {
  const quiet = () => {};
  const py = await loadPyodide({ indexURL: dir, stdout: quiet, stderr: quiet });
  await py.loadPackage(["matplotlib"], { messageCallback: quiet, errorCallback: (m) => console.error(m) });
  const out = py.runPython(`
import json, site
import matplotlib.font_manager as fm
# Where this matplotlib reads its font list from (Pyodide's reads it next to font_manager.py):
# the file its own loader writes, caught by replacing json_dump for one call.
written = []
fm.json_dump = lambda data, filename: written.append(str(filename))
fm._load_fontmanager(try_read_cache=False)
json.dumps({"path": written[0], "site": site.getsitepackages()[0],
            "json": json.dumps(fm.fontManager, cls=fm._JSONEncoder, indent=2)})
`);
  process.stdout.write(out);
})().catch((error) => { console.error(error); process.exit(1); });
