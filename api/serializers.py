"""The resources' shapes (camelCase out, reference sections 3-12).

Output serializers declare the fields (the OpenAPI document is generated from them) and build
the JSON in ``to_representation``; the tests check every answer against the document.
Input serializers are matched case-insensitively (``keys.match_keys``).
"""

from datetime import timedelta

from rest_framework import serializers

from validation.models import SpecialQualificationKind

COUNTRY = "US"
LOCALE = "en-US"
GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD


def link(uri: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"uri": uri, "method": method, "headers": headers or []}


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first, last


# --- Common pieces -------------------------------------------------------------------------


class HeaderSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    uri = serializers.CharField()
    method = serializers.CharField()
    headers = HeaderSerializer(many=True)


class AttributesSerializer(serializers.Serializer):
    objectType = serializers.CharField()
    etag = serializers.CharField(required=False)


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
    return type(
        name,
        (serializers.Serializer,),
        {
            "totalCount": serializers.IntegerField(),
            "items": item(many=True),
            "links": CollectionLinksSerializer(),
            "attributes": AttributesSerializer(),
            "continuationToken": serializers.CharField(required=False),
        },
    )


def collection(items: list, self_uri: str, next_link: dict | None = None, token=None) -> dict:
    links = {"self": link(self_uri)}
    if next_link:
        links["next"] = next_link
    body = {
        "totalCount": len(items),
        "items": items,
        "links": links,
        "attributes": {"objectType": "Collection"},
    }
    if token:
        body["continuationToken"] = token
    return body


# --- Customer ------------------------------------------------------------------------------


class AddressSerializer(serializers.Serializer):
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
    phoneNumber = serializers.CharField(required=False, allow_blank=True, max_length=32)

    def validate_country(self, value):
        if value.upper() != COUNTRY:
            raise serializers.ValidationError("This sandbox serves US customers only: use US.")
        return COUNTRY


def address_of(customer) -> dict:
    first, last = split_name(customer.contact_name)
    return {
        "country": COUNTRY,
        "city": customer.city,
        "state": customer.state,
        "addressLine1": customer.address_line,
        "postalCode": customer.postal_code,
        "firstName": first,
        "lastName": last,
        "emailAddress": customer.contact_email,
        "phoneNumber": customer.contact_phone,
    }


def billing_etag(customer) -> str:
    import hashlib

    parts = [
        customer.company_name,
        customer.contact_name,
        customer.contact_email,
        customer.contact_phone,
        customer.address_line,
        customer.city,
        customer.state,
        customer.postal_code,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


class CompanyProfileSerializer(serializers.Serializer):
    tenantId = serializers.CharField()
    domain = serializers.CharField()
    companyName = serializers.CharField()
    address = AddressSerializer()
    email = serializers.CharField()
    links = serializers.DictField(child=LinkSerializer())
    attributes = AttributesSerializer()

    def to_representation(self, customer):
        cid = str(customer.tenant_id)
        return {
            "tenantId": cid,
            "domain": customer.domain,
            "companyName": customer.company_name,
            "address": address_of(customer),
            "email": customer.contact_email,
            "links": {"self": link(f"/customers/{cid}/profiles/company")},
            "attributes": {"objectType": "CustomerCompanyProfile"},
        }


class BillingProfileSerializer(serializers.Serializer):
    id = serializers.CharField()
    firstName = serializers.CharField()
    lastName = serializers.CharField()
    email = serializers.CharField()
    culture = serializers.CharField()
    language = serializers.CharField()
    companyName = serializers.CharField()
    defaultAddress = AddressSerializer()
    links = serializers.DictField(child=LinkSerializer())
    attributes = AttributesSerializer()

    def to_representation(self, customer):
        cid = str(customer.tenant_id)
        first, last = split_name(customer.contact_name)
        return {
            "id": customer.uuid.hex,
            "firstName": first,
            "lastName": last,
            "email": customer.contact_email,
            "culture": LOCALE,
            "language": "en",
            "companyName": customer.company_name,
            "defaultAddress": address_of(customer),
            "links": {"self": link(f"/customers/{cid}/profiles/billing")},
            "attributes": {"etag": billing_etag(customer), "objectType": "CustomerBillingProfile"},
        }


class CustomerSerializer(serializers.Serializer):
    id = serializers.CharField()
    commerceId = serializers.CharField()
    companyProfile = CompanyProfileSerializer()
    billingProfile = BillingProfileSerializer()
    relationshipToPartner = serializers.CharField()
    allowDelegatedAccess = serializers.BooleanField()
    customDomains = serializers.ListField(child=serializers.CharField())
    associatedPartnerId = serializers.CharField(required=False)
    links = serializers.DictField(child=LinkSerializer())
    attributes = AttributesSerializer()

    def to_representation(self, customer):
        cid = str(customer.tenant_id)
        body = {
            "id": cid,
            "commerceId": str(customer.uuid),
            "companyProfile": CompanyProfileSerializer().to_representation(customer),
            "billingProfile": BillingProfileSerializer().to_representation(customer),
            "relationshipToPartner": "reseller",
            "allowDelegatedAccess": False,
            "customDomains": [],
            "links": {"self": link(f"/customers/{cid}")},
            "attributes": {"objectType": "Customer"},
        }
        reseller = getattr(customer, "api_indirect_reseller_tenant", None)
        if reseller:
            body["associatedPartnerId"] = str(reseller)
        return body


CustomerCollectionSerializer = collection_serializer("CustomerCollection", CustomerSerializer)


class CompanyProfileInSerializer(serializers.Serializer):
    domain = serializers.RegexField(
        r"(?i)^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]\.onmicrosoft\.com$",
        error_messages={
            "invalid": "Use prefix.onmicrosoft.com, the prefix 3 to 42 letters, digits or "
            "hyphens (not at the start or the end)."
        },
    )
    companyName = serializers.CharField(required=False, max_length=200)


class BillingProfileInSerializer(serializers.Serializer):
    email = serializers.EmailField()
    culture = serializers.CharField(required=False, default=LOCALE)
    language = serializers.CharField(required=False, default="en", max_length=2)
    companyName = serializers.CharField(max_length=200)
    firstName = serializers.CharField(required=False, max_length=50)
    lastName = serializers.CharField(required=False, max_length=50)
    defaultAddress = AddressSerializer()


class CustomerCreateSerializer(serializers.Serializer):
    companyProfile = CompanyProfileInSerializer()
    billingProfile = BillingProfileInSerializer()
    associatedPartnerId = serializers.UUIDField(required=False, allow_null=True)


def customer_fields_from_billing(billing: dict) -> dict:
    """The Customer model's fields from a billing profile (create and PUT)."""
    address = billing["defaultAddress"]
    first = billing.get("firstName") or address["firstName"]
    last = billing.get("lastName") or address["lastName"]
    return {
        "company_name": billing["companyName"],
        "address_line": address["addressLine1"],
        "city": address["city"],
        "state": address["state"].upper(),
        "postal_code": address["postalCode"],
        "contact_name": f"{first} {last}".strip(),
        "contact_email": billing["email"],
        "contact_phone": address.get("phoneNumber", ""),
    }


# --- Validation codes and qualifications ---------------------------------------------------


def weak_etag(moment) -> str:
    stamp = moment.strftime("%Y-%m-%dT%H%%3A%M%%3A%SZ")
    return f"W/\"datetime'{stamp}'\""


class ValidationCodeSerializer(serializers.Serializer):
    partnerId = serializers.CharField()
    organizationName = serializers.CharField()
    validationId = serializers.CharField()
    maxCreates = serializers.IntegerField(allow_null=True)
    remainingCreates = serializers.IntegerField(allow_null=True)
    eTag = serializers.CharField()

    def to_representation(self, code):
        return {
            "partnerId": str(code.partner.tenant_id),
            "organizationName": code.organization_name,
            "validationId": code.validation_id,
            "maxCreates": code.max_creates,
            "remainingCreates": code.remaining_creates,
            "eTag": weak_etag(code.created_at),
        }


class GccValidationRelationshipSerializer(serializers.Serializer):
    partnerId = serializers.CharField()
    customerId = serializers.CharField()
    validationId = serializers.CharField()
    organizationName = serializers.CharField()
    eTag = serializers.CharField()

    def to_representation(self, qualification):
        code = qualification.validation_code
        return {
            "partnerId": str(code.partner.tenant_id),
            "customerId": str(qualification.customer.tenant_id),
            "validationId": code.validation_id,
            "organizationName": code.organization_name,
            "eTag": weak_etag(qualification.granted_at),
        }


class CustomerQualificationSerializer(serializers.Serializer):
    """Built from plain dicts (``views.qualifications_of``)."""

    qualification = serializers.CharField()
    vettingStatus = serializers.ChoiceField(choices=["Approved", "InReview", "Denied"])
    vettingReason = serializers.CharField(required=False)
    vettingCreateDate = serializers.DateTimeField()

    def to_representation(self, item):
        return item


class QualificationRequestSerializer(serializers.Serializer):
    qualification = serializers.CharField()
    validationCode = serializers.CharField(required=False, allow_blank=True)
    educationSegment = serializers.CharField(required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True)


class GccValidationRequestSerializer(serializers.Serializer):
    """Sandbox extension: the customer GCC validation intake for an existing customer."""

    organizationName = serializers.CharField(max_length=200)
    tenantId = serializers.UUIDField(help_text="The transacting partner's commercial tenant ID.")
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
    contactPhone = serializers.CharField(max_length=32)
    attested = serializers.BooleanField()


# --- Relationships -------------------------------------------------------------------------


class RelationshipRequestSerializer(serializers.Serializer):
    url = serializers.CharField()
    attributes = AttributesSerializer()

    def to_representation(self, url):
        return {"url": url, "attributes": {"objectType": "RelationshipRequest"}}


class PartnerRelationshipSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    relationshipType = serializers.CharField()
    state = serializers.CharField()
    mpnId = serializers.CharField()
    location = serializers.CharField()
    attributes = AttributesSerializer()

    def to_representation(self, item):
        partner, relationship_type = item
        return {
            "id": str(partner.tenant_id),
            "name": partner.name,
            "relationshipType": relationship_type,
            "state": "Active",
            "mpnId": partner.mpn_id,
            "location": COUNTRY,
            "attributes": {"objectType": "PartnerRelationship"},
        }


PartnerRelationshipCollectionSerializer = collection_serializer(
    "PartnerRelationshipCollection", PartnerRelationshipSerializer
)


# --- Offers --------------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField()
    locale = serializers.CharField()
    country = serializers.CharField()


class ProductSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()


class OfferSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    minimumQuantity = serializers.IntegerField()
    maximumQuantity = serializers.IntegerField()
    rank = serializers.IntegerField()
    uri = serializers.CharField()
    locale = serializers.CharField()
    country = serializers.CharField()
    category = CategorySerializer()
    limitUnitOfMeasure = serializers.CharField()
    limit = serializers.IntegerField()
    prerequisiteOffers = serializers.ListField(child=serializers.CharField())
    isAddOn = serializers.BooleanField()
    hasAddOns = serializers.BooleanField()
    isAvailableForPurchase = serializers.BooleanField()
    billing = serializers.CharField()
    supportedBillingCycles = serializers.ListField(child=serializers.CharField())
    isAutoRenewable = serializers.BooleanField()
    reselleeQualifications = serializers.ListField(child=serializers.CharField())
    resellerQualifications = serializers.ListField(child=serializers.CharField())
    isTrial = serializers.BooleanField()
    product = ProductSerializer()
    unitType = serializers.CharField()
    termDuration = serializers.CharField()
    links = serializers.DictField(child=LinkSerializer())
    attributes = AttributesSerializer()

    def to_representation(self, offer):
        gcc = [GCC.value] if offer.is_gcc else []
        category = (
            {"id": "Government_Key", "name": "Government"}
            if offer.is_gcc
            else {"id": "Business_Key", "name": "Business"}
        )
        uri = f"/offers/{offer.offer_id}"
        return {
            "id": offer.offer_id,
            "name": offer.name,
            "description": f"{offer.product_family}: {offer.name}",
            "minimumQuantity": offer.min_quantity,
            "maximumQuantity": offer.max_quantity,
            "rank": 0,
            "uri": uri,
            "locale": LOCALE,
            "country": COUNTRY,
            "category": {**category, "rank": 0, "locale": LOCALE, "country": COUNTRY},
            "limitUnitOfMeasure": "None",
            "limit": 0,
            "prerequisiteOffers": [],
            "isAddOn": offer.is_addon,
            "hasAddOns": False,
            "isAvailableForPurchase": offer.is_active,
            "billing": "license",
            "supportedBillingCycles": [offer.billing_cycle],
            "isAutoRenewable": True,
            "reselleeQualifications": gcc,
            "resellerQualifications": gcc,
            "isTrial": False,
            "product": {"id": offer.offer_id, "name": offer.product_family, "unit": "Licenses"},
            "unitType": "Licenses",
            "termDuration": offer.term,
            "links": {"self": link(uri)},
            "attributes": {"objectType": "Offer"},
        }


OfferCollectionSerializer = collection_serializer("OfferCollection", OfferSerializer)


# --- Orders and subscriptions --------------------------------------------------------------


def iso(moment) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


class OrderLineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField()
    offerId = serializers.CharField()
    quantity = serializers.IntegerField()
    friendlyName = serializers.CharField()
    subscriptionId = serializers.CharField(required=False)
    termDuration = serializers.CharField()
    transactionType = serializers.CharField()
    links = serializers.DictField(child=LinkSerializer())


class OrderSerializer(serializers.Serializer):
    id = serializers.CharField()
    referenceCustomerId = serializers.CharField()
    billingCycle = serializers.CharField()
    currencyCode = serializers.CharField()
    currencySymbol = serializers.CharField()
    creationDate = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["pending", "completed"])
    transactionType = serializers.CharField()
    lineItems = OrderLineItemSerializer(many=True)
    links = serializers.DictField(child=LinkSerializer())
    attributes = AttributesSerializer()

    def to_representation(self, order):
        cid = str(order.customer.tenant_id)
        lines = []
        for number, line in enumerate(order.lines.all()):
            item = {
                "lineItemNumber": number,
                "offerId": line.offer.offer_id,
                "quantity": line.quantity,
                "friendlyName": line.friendly_name,
                "termDuration": line.offer.term,
                "transactionType": "new",
                "links": {},
            }
            subscription = getattr(line, "subscription", None)
            if subscription is not None:
                sid = str(subscription.uuid)
                item["subscriptionId"] = sid
                item["links"] = {"subscription": link(f"/customers/{cid}/subscriptions/{sid}")}
            lines.append(item)
        first = lines and order.lines.all()[0].offer.billing_cycle
        return {
            "id": str(order.uuid),
            "referenceCustomerId": cid,
            "billingCycle": first or "monthly",
            "currencyCode": "USD",
            "currencySymbol": "$",
            "creationDate": iso(order.created_at),
            "status": order.status,
            "transactionType": "UserPurchase",
            "lineItems": lines,
            "links": {"self": link(f"/customers/{cid}/orders/{order.uuid}")},
            "attributes": {"etag": order.status, "objectType": "Order"},
        }


OrderCollectionSerializer = collection_serializer("OrderCollection", OrderSerializer)


class OrderLineItemInSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(min_value=0)
    offerId = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField()
    friendlyName = serializers.CharField(required=False, allow_blank=True)
    partnerIdOnRecord = serializers.CharField(required=False, allow_blank=True)
    termDuration = serializers.CharField(required=False, allow_blank=True)


class OrderCreateSerializer(serializers.Serializer):
    referenceCustomerId = serializers.CharField(required=False, allow_blank=True)
    billingCycle = serializers.CharField(required=False, allow_blank=True)
    lineItems = OrderLineItemInSerializer(many=True, allow_empty=True)


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.CharField()
    offerId = serializers.CharField()
    offerName = serializers.CharField()
    friendlyName = serializers.CharField()
    quantity = serializers.IntegerField()
    unitType = serializers.CharField()
    creationDate = serializers.DateField()
    effectiveStartDate = serializers.DateField()
    commitmentEndDate = serializers.DateField()
    status = serializers.ChoiceField(choices=["active", "suspended"])
    autoRenewEnabled = serializers.BooleanField()
    billingType = serializers.CharField()
    billingCycle = serializers.CharField()
    isTrial = serializers.BooleanField()
    orderId = serializers.CharField()
    termDuration = serializers.CharField()
    links = serializers.DictField(child=LinkSerializer())
    attributes = AttributesSerializer()

    def to_representation(self, subscription):
        cid = str(subscription.customer.tenant_id)
        years = 3 if subscription.term == "P3Y" else 1
        end = (
            subscription.start_date + timedelta(days=30)
            if subscription.term == "P1M"
            else subscription.start_date.replace(year=subscription.start_date.year + years)
            - timedelta(days=1)
        )
        return {
            "id": str(subscription.uuid),
            "offerId": subscription.offer.offer_id,
            "offerName": subscription.offer.name,
            "friendlyName": subscription.friendly_name,
            "quantity": subscription.quantity,
            "unitType": "Licenses",
            "creationDate": subscription.start_date.isoformat(),
            "effectiveStartDate": subscription.start_date.isoformat(),
            "commitmentEndDate": end.isoformat(),
            "status": subscription.status,
            "autoRenewEnabled": True,
            "billingType": "license",
            "billingCycle": subscription.billing_cycle,
            "isTrial": False,
            "orderId": str(subscription.order_line.order.uuid),
            "termDuration": subscription.term,
            "links": {"self": link(f"/customers/{cid}/subscriptions/{subscription.uuid}")},
            "attributes": {"objectType": "Subscription"},
        }


SubscriptionCollectionSerializer = collection_serializer(
    "SubscriptionCollection", SubscriptionSerializer
)


class SubscriptionPatchSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False)
    friendlyName = serializers.CharField(required=False, allow_blank=True)
    autoRenewEnabled = serializers.BooleanField(required=False)
