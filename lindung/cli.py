"""The `lindung` console command: every management command behind one name."""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lindung", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
