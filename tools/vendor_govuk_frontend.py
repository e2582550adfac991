"""Copy the built GOV.UK Frontend assets the service serves out of the npm package, without the GDS Transport font.

Run by hand when the govuk-frontend-jinja pin moves (node is needed only here, never to run the service):

    npm pack govuk-frontend@6.3.0 && python tools/vendor_govuk_frontend.py govuk-frontend-6.3.0.tgz
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "mash" / "web" / "static" / "govuk"
FONT_FACE = re.compile(r"@font-face\{font-family:GDS Transport;[^}]*\}")
FONT_STACK = "font-family:GDS Transport,arial,sans-serif"
SYSTEM_STACK = "font-family:arial,sans-serif"


def vendor(tarball: Path) -> str:
    """Unpack the package, write the stripped CSS, the JS and the images; return the package's version."""
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as archive:
        archive.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        version: str = json.loads((package / "package.json").read_text())["version"]
        dist = package / "dist" / "govuk"
        if TARGET.exists():
            shutil.rmtree(TARGET)
        (TARGET / "images").mkdir(parents=True)
        css = (dist / "govuk-frontend.min.css").read_text(encoding="utf-8")
        css = FONT_FACE.sub("", css).replace(FONT_STACK, SYSTEM_STACK)
        css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
        if "GDS Transport" in css:
            raise SystemExit("the CSS still names GDS Transport: the stripping patterns need updating")
        css = css.replace("url(/assets/images/", "url(/assets/govuk/images/")
        (TARGET / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
        js = (dist / "govuk-frontend.min.js").read_text(encoding="utf-8")
        (TARGET / "govuk-frontend.min.js").write_text(re.sub(r"//# sourceMappingURL=\S*", "", js), encoding="utf-8")
        # Only the images the CSS refers to: the crown icons and favicons are for services on GOV.UK.
        for name in sorted(set(re.findall(r"url\(/assets/govuk/images/([\w.-]+)\)", css))):
            shutil.copy(dist / "assets" / "images" / name, TARGET / "images" / name)
        (TARGET / "VERSION").write_text(version + "\n", encoding="utf-8")
    return version


if __name__ == "__main__":
    print(vendor(Path(sys.argv[1])))
