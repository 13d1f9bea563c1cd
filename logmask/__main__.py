"""`python -m logmask` works like the `logmask` script."""

from logmask.cli import main

main(prog_name="logmask")
