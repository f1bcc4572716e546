from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = gettext_lazy("Partner organizations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from lib.sessions import start_session_clocks

        from .factors import note_sign_in
        from .language_views import keep_language_chosen_before_sign_in

        user_logged_in.connect(start_session_clocks, dispatch_uid="lib.sessions.start_clocks")
        user_logged_in.connect(note_sign_in, dispatch_uid="partners.factors.note_sign_in")
        user_logged_in.connect(
            keep_language_chosen_before_sign_in, dispatch_uid="partners.keep_language"
        )
