import sys

from corpuslint.cli import main

sys.exit(main())
