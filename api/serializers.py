"""The resources' shapes (camelCase out, reference sections 3-12).

Output serializers declare each field once, and that declaration both builds the JSON (from the
models the selectors return, by ``source``) and documents it (the OpenAPI document is generated
from them; the tests check every answer against the document). The reference's constants are
``Fixed*`` fields, the values computed from an object ``SerializerMethodField``s.
Input serializers are matched case-insensitively (``keys.match_keys``).
"""

from dataclasses import asdict
from datetime import UTC, datetime, time

from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from customers.services import BillingProfile, CustomerDetails, billing_profile_version
from lib.ascii import is_whole_number
from lib.domains import normalized, validate_initial_domain
from lib.formfields import PHONE_INVALID, PHONE_REGEX
from orders.models import Offer
from validation.intake import CustomerIntake
from validation.models import OPEN_STATES, RequestState, SpecialQualificationKind

COUNTRY = "US"
LOCALE = "en-US"
GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD


def link(uri: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"uri": uri, "method": method, "headers": headers or []}


# --- Fields --------------------------------------------------------------------------------


class FixedMixin:
    """The same value for every object: one of the reference's constants."""

    def __init__(self, value, **kwargs):
        self.value = value
        super().__init__(source="*", **kwargs)

    def get_attribute(self, instance):
        return self.value


class FixedCharField(FixedMixin, serializers.CharField):
    pass


class FixedBooleanField(FixedMixin, serializers.BooleanField):
    pass


class FixedIntegerField(FixedMixin, serializers.IntegerField):
    pass


class FixedDictField(FixedMixin, serializers.DictField):
    pass


class FixedListField(FixedMixin, serializers.ListField):
    def __init__(self, value, **kwargs):
        super().__init__(value, child=serializers.CharField(), **kwargs)


class OptionalCharField(serializers.CharField):
    """Left out of the answer when the object has no value for it (the reference omits the
    key rather than sending null)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is None:
            raise SkipField
        return value


class UtcDateTimeField(serializers.DateTimeField):
    """A moment in UTC, ``2025-06-02T14:05:09.123456Z`` (not in the portal's US Eastern)."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


class UtcDateAsDateTimeField(serializers.DateTimeField):
    """A calendar day as the moment it starts in UTC, ``2026-12-01T00:00:00Z``: Partner
    Center's clients type every date field as an ISO 8601 date-time."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M:%SZ", **kwargs)

    def to_representation(self, value):
        return datetime.combine(value, time.min, tzinfo=UTC).strftime(self.format)


class NamePartField(serializers.CharField):
    """A person's first name (the first word of a full name) or last name (the rest)."""

    def __init__(self, part: str, **kwargs):
        assert part in {"first", "last"}
        self.part = part
        super().__init__(**kwargs)

    def to_representation(self, value):
        first, _, last = str(value).strip().partition(" ")
        return first if self.part == "first" else last


class WholeNumberField(serializers.IntegerField):
    """An integer: a JSON number, or ASCII digits in a string. Never ``"５"`` or ``"١"``
    (``int()`` reads every script's digits), ``"1_000"`` or ``true``."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not is_whole_number(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class GuidField(serializers.UUIDField):
    """A GUID (a tenant's Microsoft ID) in a string of ASCII: not an integer (DRF would read
    ``5`` as ``…-000000000005``), not fullwidth hex digits."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.isascii():
            self.fail("invalid", value=str(data)[:64])
        return super().to_internal_value(data)


class InitialDomainField(serializers.CharField):
    """A new customer's PREFIX.onmicrosoft.com: checked as sent, then lower-cased
    (lib.domains: a look-alike such as ``ſpringfield`` is refused, not folded)."""

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_initial_domain], max_length=100, **kwargs)

    def run_validation(self, data=empty):
        value = super().run_validation(data)
        return normalized(value) if isinstance(value, str) else value


def weak_etag(moment) -> str:
    stamp = moment.strftime("%Y-%m-%dT%H%%3A%M%%3A%SZ")
    return f"W/\"datetime'{stamp}'\""


class WeakEtagField(serializers.CharField):
    """A weak ETag made from a moment, as Partner Center's validation resources carry."""

    def to_representation(self, value):
        return weak_etag(value)


# --- Common pieces -------------------------------------------------------------------------


class HeaderSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    uri = serializers.CharField()
    method = serializers.CharField()
    headers = HeaderSerializer(many=True)


class LinksField(serializers.DictField):
    """A resource's ``links``: ``{name: link}``, each uri made from the object by
    ``uris[name](obj)``; a uri of None leaves that link out."""

    def __init__(self, uris: dict, **kwargs):
        self.uris = uris
        super().__init__(child=LinkSerializer(), source="*", **kwargs)

    def get_attribute(self, instance):
        links = {name: uri(instance) for name, uri in self.uris.items()}
        return {name: link(uri) for name, uri in links.items() if uri is not None}


# A resource's ``attributes``, declared with the resource's ``object_type`` (and, for those
# that have one, ``etag``: the function giving the object's etag). A class docstring here
# would become the component's description in the OpenAPI document.
class AttributesSerializer(serializers.Serializer):
    objectType = serializers.CharField()
    etag = serializers.CharField(required=False)

    def __init__(self, *args, object_type: str | None = None, etag=None, **kwargs):
        self.object_type, self.etag_of = object_type, etag
        if object_type is not None:
            kwargs["source"] = "*"
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        if self.object_type is None:
            return super().get_attribute(instance)
        attributes = {"objectType": self.object_type}
        if self.etag_of is not None:
            attributes["etag"] = self.etag_of(instance)
        return attributes


class CollectionLinksSerializer(serializers.Serializer):
    self = LinkSerializer()
    next = LinkSerializer(required=False)


class ErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    description = serializers.CharField()
    data = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()


class ThrottledSerializer(serializers.Serializer):
    statusCode = serializers.IntegerField()
    message = serializers.CharField()


def collection_serializer(name: str, item: type[serializers.Serializer]):
    """The serializer of a ``collection()`` of ``item`` objects."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "totalCount": serializers.IntegerField(),
            "items": item(many=True),
            "links": CollectionLinksSerializer(),
            "attributes": AttributesSerializer(object_type="Collection"),
            "continuationToken": serializers.CharField(required=False),
        },
    )


def collection(items: list, self_uri: str, next_link: dict | None = None, token=None) -> dict:
    """A page of objects, to serialize with its ``collection_serializer``."""
    links = {"self": link(self_uri)}
    if next_link:
        links["next"] = next_link
    page = {"totalCount": len(items), "items": items, "links": links}
    if token:
        page["continuationToken"] = token
    return page


# --- Customer ------------------------------------------------------------------------------


class AddressInSerializer(serializers.Serializer):
    country = serializers.CharField()
    region = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=2)
    district = serializers.CharField(required=False, allow_blank=True)
    addressLine1 = serializers.CharField(max_length=200)
    addressLine2 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    addressLine3 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    postalCode = serializers.CharField(max_length=10)
    firstName = serializers.CharField(max_length=50)
    middleName = serializers.CharField(required=False, allow_blank=True)
    lastName = serializers.CharField(max_length=50)
    emailAddress = serializers.CharField(required=False, allow_blank=True)
    phoneNumber = serializers.RegexField(
        PHONE_REGEX,
        required=False,
        allow_blank=True,
        max_length=32,
        error_messages={"invalid": PHONE_INVALID},
    )

    def validate_country(self, value):
        if value.upper() != COUNTRY:
            raise serializers.ValidationError("This sandbox serves US customers only: use US.")
        return COUNTRY


# The output serializers below read the models the selectors return (each notes which).


class AddressSerializer(serializers.Serializer):  # a Customer: its address and contact
    country = FixedCharField(COUNTRY)
    city = serializers.CharField()
    state = serializers.CharField()
    addressLine1 = serializers.CharField(source="address_line")
    postalCode = serializers.CharField(source="postal_code")
    firstName = NamePartField("first", source="contact_name")
    lastName = NamePartField("last", source="contact_name")
    emailAddress = serializers.CharField(source="contact_email")
    phoneNumber = serializers.CharField(source="contact_phone")


def billing_etag(customer) -> str:
    """The billing profile's ETag: its version, as the portal's edit page carries it."""
    return billing_profile_version(customer)


def customer_uri(customer) -> str:
    return f"/customers/{customer.tenant_id}"


class CompanyProfileSerializer(serializers.Serializer):
    tenantId = serializers.CharField(source="tenant_id")
    domain = serializers.CharField()
    companyName = serializers.CharField(source="company_name")
    address = AddressSerializer(source="*")
    email = serializers.CharField(source="contact_email")
    links = LinksField({"self": lambda c: f"{customer_uri(c)}/profiles/company"})
    attributes = AttributesSerializer(object_type="CustomerCompanyProfile")


class BillingProfileSerializer(serializers.Serializer):
    id = serializers.CharField(source="uuid.hex")
    firstName = NamePartField("first", source="contact_name")
    lastName = NamePartField("last", source="contact_name")
    email = serializers.CharField(source="contact_email")
    culture = FixedCharField(LOCALE)
    language = FixedCharField("en")
    companyName = serializers.CharField(source="company_name")
    defaultAddress = AddressSerializer(source="*")
    links = LinksField({"self": lambda c: f"{customer_uri(c)}/profiles/billing"})
    attributes = AttributesSerializer(object_type="CustomerBillingProfile", etag=billing_etag)


class CustomerSerializer(serializers.Serializer):  # customers.selectors: a Customer
    id = serializers.CharField(source="tenant_id")
    commerceId = serializers.CharField(source="uuid")
    companyProfile = CompanyProfileSerializer(source="*")
    billingProfile = BillingProfileSerializer(source="*")
    relationshipToPartner = FixedCharField("reseller")
    customDomains = FixedListField([])
    associatedPartnerId = OptionalCharField(source="indirect_reseller_tenant_id")
    links = LinksField({"self": customer_uri})
    attributes = AttributesSerializer(object_type="Customer")


class CustomerDetailSerializer(CustomerSerializer):  # GET /customers/{id} only fills this one
    allowDelegatedAccess = FixedBooleanField(False)


class CustomerReleasedSerializer(CustomerSerializer):  # the answer to ending the relationship
    relationshipToPartner = FixedCharField("none")


class CustomerRelationshipPatchSerializer(serializers.Serializer):
    relationshipToPartner = serializers.ChoiceField(
        choices=["none"], help_text='Only "none": end the reseller relationship.'
    )


CustomerCollectionSerializer = collection_serializer("CustomerCollection", CustomerSerializer)


class CompanyProfileInSerializer(serializers.Serializer):
    domain = InitialDomainField()
    companyName = serializers.CharField(required=False, max_length=200)


class BillingProfileInSerializer(serializers.Serializer):
    email = serializers.EmailField()
    culture = serializers.CharField(required=False, default=LOCALE)
    language = serializers.CharField(required=False, default="en", max_length=2)
    companyName = serializers.CharField(max_length=200)
    firstName = serializers.CharField(required=False, max_length=50)
    lastName = serializers.CharField(required=False, max_length=50)
    defaultAddress = AddressInSerializer()


class CustomerCreateSerializer(serializers.Serializer):
    companyProfile = CompanyProfileInSerializer()
    billingProfile = BillingProfileInSerializer()
    associatedPartnerId = GuidField(required=False, allow_null=True)


def billing_profile_from(billing: dict, *, phone_fallback: str = "") -> BillingProfile:
    """The service's billing profile from the API's (create and PUT); a PUT without a phone
    number keeps the one on file."""
    address = billing["defaultAddress"]
    first = billing.get("firstName") or address["firstName"]
    last = billing.get("lastName") or address["lastName"]
    return BillingProfile(
        company_name=billing["companyName"],
        address_line=address["addressLine1"],
        city=address["city"],
        state=address["state"].upper(),
        postal_code=address["postalCode"],
        contact_name=f"{first} {last}".strip(),
        contact_email=billing["email"],
        contact_phone=address.get("phoneNumber") or phone_fallback,
    )


def customer_details_from(data: dict) -> CustomerDetails:
    profile = billing_profile_from(data["billingProfile"])
    return CustomerDetails(**asdict(profile), domain=data["companyProfile"]["domain"])


def customer_intake_from(data: dict, customer) -> CustomerIntake:
    """The customer validation intake from the API's request, for an existing customer (its
    domain and address are the customer's)."""
    return CustomerIntake(
        organization_name=data["organizationName"],
        tenant_id=data["tenantId"],
        domain=customer.domain,
        entity_type=data["entityType"],
        jurisdiction=data.get("jurisdiction", ""),
        regulated_data=data.get("regulatedData", []),
        is_us_entity=data["isUsEntity"],
        us_presence=data.get("usPresence", ""),
        address_line=customer.address_line,
        city=customer.city,
        state=customer.state,
        postal_code=customer.postal_code,
        contact_name=data["contactName"],
        contact_email=data["contactEmail"],
        contact_phone=data["contactPhone"],
        attested=data["attested"],
    )


# --- Validation codes and qualifications ---------------------------------------------------


class ValidationCodeSerializer(serializers.Serializer):
    partnerId = serializers.CharField(source="partner.tenant_id")
    organizationName = serializers.CharField(source="organization_name")
    validationId = serializers.CharField(source="validation_id")
    maxCreates = serializers.IntegerField(source="max_creates", allow_null=True)
    remainingCreates = serializers.IntegerField(source="remaining_creates", allow_null=True)
    eTag = WeakEtagField(source="created_at")


class GccValidationRelationshipSerializer(serializers.Serializer):  # a SpecialQualification
    partnerId = serializers.CharField(source="validation_code.partner.tenant_id")
    customerId = serializers.CharField(source="customer.tenant_id")
    validationId = serializers.CharField(source="validation_code.validation_id")
    organizationName = serializers.CharField(source="validation_code.organization_name")
    eTag = WeakEtagField(source="granted_at")


class VettingStatusField(serializers.ChoiceField):
    """A qualification's state (a RequestState, approved when held) in the reference's words."""

    def __init__(self, **kwargs):
        super().__init__(choices=["Approved", "InReview", "Denied"], **kwargs)

    def to_representation(self, value):
        if value in OPEN_STATES:
            return "InReview"
        if value == RequestState.REJECTED:
            return "Denied"
        return "Approved"


class CustomerQualificationSerializer(serializers.Serializer):  # a QualificationState
    qualification = serializers.CharField()
    vettingStatus = VettingStatusField(source="status")
    vettingReason = OptionalCharField(source="reason")
    vettingCreateDate = UtcDateTimeField(source="since")


class QualificationRequestSerializer(serializers.Serializer):
    qualification = serializers.CharField()
    validationCode = serializers.CharField(required=False, allow_blank=True)
    educationSegment = serializers.CharField(required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True)


class GccValidationRequestSerializer(serializers.Serializer):
    """Sandbox extension: the customer GCC validation intake for an existing customer."""

    organizationName = serializers.CharField(max_length=200)
    tenantId = GuidField(help_text="The transacting partner's commercial tenant ID.")
    entityType = serializers.ChoiceField(
        choices=["federal", "state_local", "tribal", "regional", "ffrdc", "commercial"]
    )
    jurisdiction = serializers.CharField(max_length=200, required=False, allow_blank=True)
    regulatedData = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["itar", "cui", "dod_ucni", "doe_ucni", "cji", "dod_il", "azure_gov"]
        ),
        required=False,
    )
    isUsEntity = serializers.BooleanField(required=False, default=True)
    usPresence = serializers.CharField(required=False, allow_blank=True)
    contactName = serializers.CharField(max_length=200)
    contactEmail = serializers.EmailField()
    contactPhone = serializers.RegexField(
        PHONE_REGEX, max_length=32, error_messages={"invalid": PHONE_INVALID}
    )
    attested = serializers.BooleanField()


# --- Relationships -------------------------------------------------------------------------


class RelationshipRequestSerializer(serializers.Serializer):  # {"url": the link}
    url = serializers.CharField()
    attributes = AttributesSerializer(object_type="RelationshipRequest")


class PartnerRelationshipSerializer(serializers.Serializer):  # a Partner; the type in context
    id = serializers.CharField(source="tenant_id")
    name = serializers.CharField()
    relationshipType = serializers.SerializerMethodField()
    state = FixedCharField("Active")
    mpnId = serializers.CharField(source="mpn_id")
    location = FixedCharField(COUNTRY)
    attributes = AttributesSerializer(object_type="PartnerRelationship")

    def get_relationshipType(self, partner) -> str:
        return self.context["relationship_type"]


PartnerRelationshipCollectionSerializer = collection_serializer(
    "PartnerRelationshipCollection", PartnerRelationshipSerializer
)


# --- Offers --------------------------------------------------------------------------------


def offer_uri(offer) -> str:
    return f"/offers/{offer.offer_id}"


class CategorySerializer(serializers.Serializer):  # an Offer: Government if GCC, else Business
    id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    rank = FixedIntegerField(0)
    locale = FixedCharField(LOCALE)
    country = FixedCharField(COUNTRY)

    def get_id(self, offer) -> str:
        return "Government_Key" if offer.is_gcc else "Business_Key"

    def get_name(self, offer) -> str:
        return "Government" if offer.is_gcc else "Business"


class ProductSerializer(serializers.Serializer):  # an Offer
    id = serializers.CharField(source="offer_id")
    name = serializers.CharField(source="product_family")
    unit = FixedCharField("Licenses")


class OfferSerializer(serializers.Serializer):
    id = serializers.CharField(source="offer_id")
    name = serializers.CharField()
    description = serializers.SerializerMethodField()
    minimumQuantity = serializers.IntegerField(source="min_quantity")
    maximumQuantity = serializers.IntegerField(source="max_quantity")
    rank = FixedIntegerField(0)
    uri = serializers.SerializerMethodField()
    locale = FixedCharField(LOCALE)
    country = FixedCharField(COUNTRY)
    category = CategorySerializer(source="*")
    limitUnitOfMeasure = FixedCharField("None")
    limit = FixedIntegerField(0)
    prerequisiteOffers = FixedListField([])
    isAddOn = serializers.BooleanField(source="is_addon")
    hasAddOns = FixedBooleanField(False)
    isAvailableForPurchase = serializers.BooleanField(source="is_active")
    billing = FixedCharField("license")
    supportedBillingCycles = serializers.SerializerMethodField()
    isAutoRenewable = FixedBooleanField(True)
    upgradeTargetOffers = FixedListField([])  # the sandbox's catalog has no upgrade paths
    conversionTargetOffers = FixedListField([])
    reselleeQualifications = serializers.SerializerMethodField(method_name="get_qualifications")
    resellerQualifications = serializers.SerializerMethodField(method_name="get_qualifications")
    isTrial = FixedBooleanField(False)
    product = ProductSerializer(source="*")
    unitType = FixedCharField("Licenses")
    termDuration = serializers.CharField(source="term")
    links = LinksField({"self": offer_uri})
    attributes = AttributesSerializer(object_type="Offer")

    def get_description(self, offer) -> str:
        return f"{offer.product_family}: {offer.name}"

    def get_uri(self, offer) -> str:
        return offer_uri(offer)

    def get_supportedBillingCycles(self, offer) -> list[str]:
        return offer.billing_cycles

    def get_qualifications(self, offer) -> list[str]:  # a GCC offer needs GCC on both sides
        return [GCC.value] if offer.is_gcc else []


OfferCollectionSerializer = collection_serializer("OfferCollection", OfferSerializer)


class OfferCategorySerializer(serializers.Serializer):  # an Offer standing for its category
    id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    rank = FixedIntegerField(0)
    locale = FixedCharField(LOCALE)
    country = FixedCharField(COUNTRY)
    attributes = AttributesSerializer(object_type="OfferCategory")

    def get_id(self, offer) -> str:
        return CategorySerializer().get_id(offer)

    def get_name(self, offer) -> str:
        return CategorySerializer().get_name(offer)


OfferCategoryCollectionSerializer = collection_serializer(
    "OfferCategoryCollection", OfferCategorySerializer
)


def offer_categories(offers) -> list:
    """One offer per category, Government first: what OfferCategorySerializer shows."""
    first = {}
    for offer in sorted(offers, key=lambda o: not o.is_gcc):
        first.setdefault(offer.is_gcc, offer)
    return list(first.values())


# --- Orders and subscriptions --------------------------------------------------------------


def subscription_uri(subscription) -> str:
    return f"{customer_uri(subscription.customer)}/subscriptions/{subscription.uuid}"


def _line_subscription_uri(line) -> str | None:
    subscription = getattr(line, "subscription", None)
    if subscription is None:
        return None
    return f"{customer_uri(line.order.customer)}/subscriptions/{subscription.uuid}"


def order_uri(order) -> str:
    return f"{customer_uri(order.customer)}/orders/{order.uuid}"


class OrderLineItemSerializer(serializers.Serializer):  # orders.selectors: a numbered OrderLine
    lineItemNumber = serializers.IntegerField(source="number")
    offerId = serializers.CharField(source="offer.offer_id")
    quantity = serializers.IntegerField()
    friendlyName = serializers.CharField(source="friendly_name")
    subscriptionId = OptionalCharField(source="subscription.uuid")  # none while provisioning
    termDuration = serializers.CharField(source="term")
    billingCycle = serializers.CharField(source="billing_cycle")
    transactionType = FixedCharField("new")
    partnerIdOnRecord = OptionalCharField(source="partner_of_record.mpn_id")
    # Nothing to pass on to provisioning: the sandbox's offers need no context.
    provisioningContext = FixedDictField({}, child=serializers.CharField())
    links = LinksField({"subscription": _line_subscription_uri})


class OrderSerializer(serializers.Serializer):  # orders.selectors: an Order with its lines
    id = serializers.CharField(source="uuid")
    alternateId = serializers.CharField(source="reference")
    referenceCustomerId = serializers.CharField(source="customer.tenant_id")
    billingCycle = serializers.SerializerMethodField()
    currencyCode = FixedCharField("USD")
    currencySymbol = FixedCharField("$")
    creationDate = UtcDateTimeField(source="created_at")
    status = serializers.ChoiceField(choices=["pending", "completed"])
    transactionType = FixedCharField("UserPurchase")
    lineItems = OrderLineItemSerializer(source="lines", many=True)
    links = LinksField(
        {"self": order_uri, "provisioningStatus": lambda o: f"{order_uri(o)}/provisioningstatus"}
    )
    attributes = AttributesSerializer(object_type="Order", etag=lambda order: order.status)

    def get_billingCycle(self, order) -> str:
        lines = order.lines.all()  # the first line's; an empty order's: monthly
        return (lines[0].billing_cycle if lines else "") or "monthly"


OrderCollectionSerializer = collection_serializer("OrderCollection", OrderSerializer)


class OrderLineItemInSerializer(serializers.Serializer):
    lineItemNumber = WholeNumberField(min_value=0)
    offerId = serializers.CharField(max_length=64)
    quantity = WholeNumberField()
    friendlyName = serializers.CharField(required=False, allow_blank=True)
    partnerIdOnRecord = serializers.CharField(required=False, allow_blank=True)
    termDuration = serializers.CharField(required=False, allow_blank=True, max_length=8)
    billingCycle = serializers.CharField(required=False, allow_blank=True, max_length=16)


class OrderCreateSerializer(serializers.Serializer):
    referenceCustomerId = serializers.CharField(required=False, allow_blank=True)
    billingCycle = serializers.CharField(required=False, allow_blank=True)
    lineItems = OrderLineItemInSerializer(many=True, allow_empty=True)


class SubscriptionSerializer(serializers.Serializer):  # orders.selectors: a Subscription
    id = serializers.CharField(source="uuid")
    offerId = serializers.CharField(source="offer.offer_id")
    offerName = serializers.CharField(source="offer.name")
    friendlyName = serializers.CharField(source="friendly_name")
    quantity = serializers.IntegerField()
    unitType = FixedCharField("Licenses")
    creationDate = UtcDateAsDateTimeField(source="start_date")
    effectiveStartDate = serializers.DateTimeField(  # this term's start
        source="current_term_start", default_timezone=UTC
    )
    commitmentEndDate = UtcDateAsDateTimeField(source="commitment_end_date")
    cancellationAllowedUntilDate = serializers.DateTimeField(
        source="cancellation_allowed_until", default_timezone=UTC
    )
    status = serializers.ChoiceField(choices=["active", "suspended", "deleted", "expired"])
    autoRenewEnabled = serializers.BooleanField(source="auto_renew")
    billingType = FixedCharField("license")
    billingCycle = serializers.CharField(source="billing_cycle")
    contractType = FixedCharField("subscription")
    hasPurchasableAddons = serializers.SerializerMethodField()
    isTrial = FixedBooleanField(False)
    isMicrosoftProduct = FixedBooleanField(True)
    publisherName = FixedCharField("Microsoft Corporation")
    actions = serializers.SerializerMethodField()
    partnerId = OptionalCharField(source="partner_of_record.mpn_id")
    suspensionReasons = serializers.SerializerMethodField()
    orderId = serializers.CharField(source="order_line.order.uuid")
    termDuration = serializers.CharField(source="term")
    renewalTermDuration = serializers.CharField(source="term")  # auto-renews into the same term
    links = LinksField(
        {
            "self": subscription_uri,
            "provisioningStatus": lambda sub: f"{subscription_uri(sub)}/provisioningstatus",
        }
    )
    attributes = AttributesSerializer(object_type="Subscription")

    def get_hasPurchasableAddons(self, subscription) -> bool:
        """Whether an add-on on sale builds on this subscription's product family."""
        families = self.context.get("addon_families")
        if families is None:
            families = set()
            for needs in Offer.objects.filter(is_active=True).values_list(
                "requires_base_families", flat=True
            ):
                families.update(needs or [])
            self.context["addon_families"] = families  # once per answer, not per subscription
        return subscription.offer.product_family in families

    def get_actions(self, subscription) -> list[str]:
        """What a PATCH may still do: ``edit`` while it is live, ``cancel`` within the window."""
        if not subscription.is_live:
            return []
        if timezone.now() < subscription.cancellation_allowed_until:
            return ["edit", "cancel"]
        return ["edit"]

    def get_suspensionReasons(self, subscription) -> list[str]:
        return ["ResellerInitiated"] if subscription.status == "suspended" else []


SubscriptionCollectionSerializer = collection_serializer(
    "SubscriptionCollection", SubscriptionSerializer
)


class SubscriptionPatchSerializer(serializers.Serializer):
    quantity = WholeNumberField(required=False)
    status = serializers.CharField(required=False)
    friendlyName = serializers.CharField(required=False, allow_blank=True)
    autoRenewEnabled = serializers.BooleanField(required=False)


# --- Provisioning status -------------------------------------------------------------------


class QuantityProvisioningSerializer(serializers.Serializer):  # a numbered OrderLine
    quantity = serializers.IntegerField()
    status = serializers.SerializerMethodField()

    def get_status(self, line) -> str:
        return line_provisioning_status(line)


def line_provisioning_status(line) -> str:
    """``fulfilled`` once the line's subscription exists, ``pending`` until then."""
    return "fulfilled" if getattr(line, "subscription", None) is not None else "pending"


class OrderLineItemProvisioningStatusSerializer(serializers.Serializer):  # a numbered OrderLine
    lineItemNumber = serializers.IntegerField(source="number")
    status = serializers.SerializerMethodField()
    quantityProvisioningInformation = serializers.SerializerMethodField()
    attributes = AttributesSerializer(object_type="OrderLineItemProvisioningStatus")

    def get_status(self, line) -> str:
        return line_provisioning_status(line)

    def get_quantityProvisioningInformation(self, line) -> list[dict]:
        return [QuantityProvisioningSerializer(line).data]


OrderProvisioningStatusCollectionSerializer = collection_serializer(
    "OrderLineItemProvisioningStatusCollection", OrderLineItemProvisioningStatusSerializer
)


class SubscriptionProvisioningStatusSerializer(serializers.Serializer):  # a Subscription
    skuId = serializers.CharField(source="offer.offer_id")
    status = FixedCharField("success")  # a subscription exists once it is provisioned
    quantity = serializers.IntegerField()
    endDate = UtcDateAsDateTimeField(source="commitment_end_date")
    attributes = AttributesSerializer(object_type="SubscriptionProvisioningStatus")
