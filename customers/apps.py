from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        from validation.signals import customer_gcc_changed

        from .services import on_customer_gcc_changed

        customer_gcc_changed.connect(on_customer_gcc_changed, dispatch_uid="customers.gcc_status")
