"""``smartcity serve``: the assessment round as a service (needs the 'server' extra).

``smartcity serve init DIR`` makes a data directory and its organiser (printing a one-time
sign-in link); ``smartcity serve DIR`` starts the web server with a task worker; ``smartcity
serve worker DIR`` starts a task worker alone (another machine may run it against the same
PostgreSQL); ``smartcity serve demo DIR`` makes a demo round of the example cities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_
from .common import EXIT_USAGE, Lang, app, lang_option, out, tr, usage
from .language import LocalisedCommand

ACTIONS = ("init", "worker", "demo", "backup", "restore")


@app.command("serve", cls=LocalisedCommand, epilog=EXIT_USAGE,
             help=N_("Run an assessment round as a web service: 'serve init DIR' makes the data directory and the "
                     "organiser's sign-in link, 'serve DIR' starts it, 'serve worker DIR' starts a task worker, "
                     "'serve demo DIR' makes a demo round of the example cities, 'serve backup DIR ARCHIVE' and "
                     "'serve restore ARCHIVE DIR' copy a whole round. Needs: pip install "
                     "'smartcity-assessment[server]'."),
             short_help=N_("Run an assessment round as a web service."))
def serve_cmd(
    first: Annotated[str, typer.Argument(metavar="ACTION|DIR", help=N_("An action ('init', 'worker', 'demo', "
                                                                            "'backup', 'restore'), then the data "
                                                                            "directory; or the data directory "
                                                                            "alone to start the service."))],
    second: Annotated[Path | None, typer.Argument(
        show_default=False, metavar="DIR", help=N_("The data directory, after an action."))] = None,
    third: Annotated[Path | None, typer.Argument(
        show_default=False, metavar="ARCHIVE", help=N_("backup DIR ARCHIVE, restore ARCHIVE DIR: the round's "
                                                       "archive (.tar.gz)."))] = None,
    email: Annotated[str, typer.Option(help=N_("The organiser's e-mail address ('init')."))] = "organiser@localhost",
    host: Annotated[str, typer.Option(help=N_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=N_("Port to listen on."))] = 8000,
    database: Annotated[str | None, typer.Option(help=N_("postgresql://user:password@host/name (default: "
                                                         "SMARTCITY_DATABASE_URL, else SQLite in DIR)."))] = None,
    max_upload_mb: Annotated[int, typer.Option(help=N_("Largest upload in MB ('init')."))] = 20,
    lang: Annotated[Lang, lang_option(N_("Language of the messages."))] = Lang["en"],
) -> None:
    """Run an assessment round as a web service."""
    lg = lang.value
    action, directory = (first, second) if first in ACTIONS else ("run", Path(first) if second is None else None)
    if action in ("backup", "restore"):
        if second is None or third is None:
            usage(N_("give the data directory and the archive: smartcity serve backup DIR ARCHIVE, "
                     "smartcity serve restore ARCHIVE DIR"), lg)
        backup_or_restore(action, second, third, database, lg)
        return
    if directory is None or third is not None:
        usage(N_("give one data directory: smartcity serve [init|worker|demo] DIR"), lg)
    try:
        import django  # noqa: F401
        import django_tasks  # noqa: F401
    except ImportError:
        usage(N_("the service needs the 'server' extra: pip install 'smartcity-assessment[server]'"), lg)
    from ..server import service

    base = f"http://{host}:{port}"
    if action == "init":
        link = service.init_service(directory, email, base, database, max_upload=max_upload_mb * 1024 * 1024)
        out.print(tr(N_("data directory ready: {path}"), lg, path=directory), highlight=False)
        out.print(tr(N_("the organiser signs in once with: {link}"), lg, link=link), highlight=False, soft_wrap=True)
        return
    if not (directory / "secret_key").is_file() and action != "demo":
        usage(N_("{path} is not a data directory; make one with: smartcity serve init {path}"), lg, path=directory)
    if action == "worker":
        import os
        import subprocess

        raise typer.Exit(subprocess.call(service.worker_command(directory, database), env=os.environ.copy()))
    if action == "demo":
        from ..server.demo import make_demo

        for who, link in make_demo(directory, base, database):
            out.print(f"{who}: {link}", highlight=False, soft_wrap=True)
        out.print(tr(N_("starting the demo round at {url}"), lg, url=base), highlight=False)
    service.run(directory, host, port, database)


def backup_or_restore(action: str, first: Path, second: Path, database: str | None, lg: str) -> None:
    """``backup DIR ARCHIVE`` or ``restore ARCHIVE DIR``."""
    from ..server import backup

    if action == "backup":
        if not (first / "secret_key").is_file():
            usage(N_("{path} is not a data directory; make one with: smartcity serve init {path}"), lg, path=first)
        out.print(tr(N_("wrote {path}"), lg, path=backup.backup(first, second, database)), highlight=False)
        return
    if not first.is_file():
        usage(N_("not found: {paths}"), lg, paths=first)
    if second.exists() and any(second.iterdir()):
        usage(N_("{path} is not empty; restore into a new folder"), lg, path=second)
    backup.restore(first, second, database)
    out.print(tr(N_("data directory ready: {path}"), lg, path=second), highlight=False)
