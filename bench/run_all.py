"""Run every benchmark of bench/ in turn (`make bench`). Each prints its own numbers."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name in ("run_all.py", "__init__.py") or script.name.startswith("_"):  # _common.py is a helper
        continue
    print(f"== {script.name}", flush=True)
    subprocess.run([sys.executable, str(script)], check=False)
