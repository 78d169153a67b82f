"""The assessment round as a service (``smartcity serve``): the one part that joins the stages.

An optional part (``pip install 'smartcity-assessment[server]'``): Django 5.2 with its own
accounts, sessions, CSRF protection and migrations; long work (checking an upload, publishing)
runs as tasks through the Tasks API (``django-tasks``, database backend ``django-tasks-db``), so
the same code moves to Django 6's built-in tasks. Pages are Jinja2 templates in
``templates/server/`` translated from the project's one ``.po`` catalogue.

The service *calls* the stages and re-implements none: an upload is read only through the
intake's pre-flight and cage (:func:`assessment.intake.read_submissions`), its problems are the
intake's :class:`~assessment.errors.Problem` records worded by ``Problem.text(lang)`` as
``smartcity validate`` words them, and a publication is :func:`assessment.report.render_report`
on the accepted versions. No stage imports this package (``tests/test_layout.py``).

Modules: :mod:`.config` (the data directory and the Django settings), :mod:`.models`,
:mod:`.storage` (uploads by content hash), :mod:`.tokens` (invitation links), :mod:`.roles`,
:mod:`.audit`, :mod:`.tasks`, :mod:`.security` (headers, upload cap), :mod:`.jinja`, the views
(:mod:`.views_auth`, :mod:`.views_city`, :mod:`.views_review`, :mod:`.views_round`,
:mod:`.views_publish`), :mod:`.urls`, :mod:`.demo` (``make serve``) and :mod:`.backup`.
"""
