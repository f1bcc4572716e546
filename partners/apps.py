from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner organizations"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from lib.sessions import start_session_clocks

        from .factors import note_sign_in

        user_logged_in.connect(start_session_clocks, dispatch_uid="lib.sessions.start_clocks")
        user_logged_in.connect(note_sign_in, dispatch_uid="partners.factors.note_sign_in")
