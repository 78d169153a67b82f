"""``python -m assessment`` runs the ``smartcity`` command line."""

from .cli import main

if __name__ == "__main__":
    main()
