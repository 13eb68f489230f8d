"""Entry script of the frozen application: PyInstaller runs this file as ``__main__``.

It does what the ``tastydesk`` console script does (``desktop.__main__:main``), plus
``freeze_support`` so a child process started by ``multiprocessing`` runs its target
instead of a second copy of the app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop.__main__ import main

    sys.exit(main())
