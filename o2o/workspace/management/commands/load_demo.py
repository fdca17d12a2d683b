from django.core.management.base import BaseCommand

from o2o.brands.models import Brand
from o2o.workspace.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the deterministic demo world (skipped when brands already exist)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even if data exists (fails on duplicates)."
        )

    def handle(self, *args, force=False, **options):
        if Brand.objects.exists() and not force:
            self.stdout.write("Demo data already loaded; nothing to do.")
            self._logins(None)
            return
        summary = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.brands} brands, {summary.products} products, "
                f"{summary.variants} variants, {summary.retailers} retailers, "
                f"{summary.outlets} outlets, {summary.stock_levels} stock levels."
            )
        )
        self._logins(summary.pos_token)

    def _logins(self, token):
        self.stdout.write(
            "Open http://127.0.0.1:8000/ (shop) and http://127.0.0.1:8000/admin/\n"
            f"Logins (password {DEMO_PASSWORD}):\n"
            "  admin           superuser\n"
            "  aurora-manager  brand owner, Aurora Mobile: http://127.0.0.1:8000/dashboard/aurora/\n"
            "  shop-owner      retailer owner\n"
        )
        if token:
            self.stdout.write(f"POS token of the first retailer (shown once): {token}\n")
