"""The /v1/ endpoints (reference: docs/reference/partner-center-api.md). Thin: parse the
input, call the services and selectors the web UI calls, shape the answer with the
serializers; refusals become the reference's error bodies."""

from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from customers import services as customer_services
from customers.models import Customer
from customers.selectors import (
    customer_domain_taken,
    customer_get,
    customer_page,
    customer_qualification_list,
    customer_reseller_list,
)
from lib.ascii import whole_number
from lib.domains import normalized, validate_domain
from lib.keyset import FIRST, NEXT, KeysetPage, keyset_page
from lib.refusals import Refusal, RefusalCode
from orders import lifecycle
from orders import services as order_services
from orders.models import Order, Subscription
from orders.selectors import (
    offer_get,
    offer_list,
    order_get,
    order_list,
    orderable_offer_list,
    subscription_get,
    subscription_list,
)
from partners.models import PartnerType
from partners.selectors import indirect_reseller_list, partner_find
from relationships import services as relationship_services
from relationships.selectors import indirect_provider_list
from validation import services as validation_services
from validation.models import SpecialQualification
from validation.selectors import (
    QualificationState,
    customer_gcc_validation_get,
    customer_special_qualification_list,
    partner_validation_code_list,
)

from . import serializers as s
from .base import ApiView
from .errors import CUSTOMER_NOT_FOUND, ApiError, error_response, invalid, not_found
from .keys import key_fold, parse
from .parsers import JsonInputError, loads

GCC = s.GCC.value
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
TOKEN_SALT = "api.customers.continuation"


def _seek_page(request, page_for) -> tuple[KeysetPage, int, str | None]:
    """A seek-paged collection: the first page (``size``, ``filter``), or with
    ``seekOperation=Next`` the page after the one whose ``MS-ContinuationToken`` is sent.
    ``page_for(raw_filter, size=, cursor=, direction=)`` reads a page (lib.keyset); returns
    the page, its size and the token of the next page (None on the last)."""
    params = request.query_params
    if params.get("seekOperation", "").lower() == "next":
        token = request.headers.get("MS-ContinuationToken") or params.get("continuationToken")
        try:
            state = signing.loads(token or "", salt=TOKEN_SALT)
            size, raw_filter, cursor = state["s"], state["f"], state["c"]
            _check_token_state(size, raw_filter, cursor)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise invalid("The MS-ContinuationToken is missing or not valid.") from exc
    else:
        size, raw_filter, cursor = _page_size(params.get("size")), params.get("filter"), None
    page = page_for(raw_filter, size=size, cursor=cursor, direction=NEXT if cursor else FIRST)
    token = None
    if page.next_cursor:
        token = signing.dumps({"s": size, "f": raw_filter, "c": page.next_cursor}, salt=TOKEN_SALT)
    return page, size, token


def _check_token_state(size, raw_filter, cursor) -> None:
    """A continuation token is ours (signed), but maybe of another release: its parts in the
    shapes this one reads, or ValueError."""
    if not (isinstance(size, int) and 0 < size <= MAX_PAGE_SIZE):
        raise ValueError("size")
    if not (raw_filter is None or isinstance(raw_filter, str)) or not isinstance(cursor, str):
        raise ValueError("filter or cursor")


def _page_size(value) -> int:
    if value in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = whole_number(value)
    except (TypeError, ValueError) as exc:
        raise invalid("size must be a whole number from 0 to 500.") from exc
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise invalid("size must be a whole number from 0 to 500.")
    return size or DEFAULT_PAGE_SIZE  # 0 (what the .NET SDK sends) means the default


def _offset(value) -> int:
    if value in (None, ""):
        return 0
    try:
        offset = whole_number(value)
    except (TypeError, ValueError) as exc:
        raise invalid("offset must be a whole number, 0 or more.") from exc
    if offset < 0:
        raise invalid("offset must be a whole number, 0 or more.")
    return offset


def customer_for(actor, customer_id) -> Customer:
    """One of the actor's customers by its id (= tenant ID); 404 for anyone else's."""
    try:
        tenant_id = UUID(str(customer_id))
    except ValueError as exc:
        raise ApiError(400, 900118, f"{customer_id!r} is not a valid customer ID.") from exc
    try:
        return customer_get(actor=actor, tenant_id=tenant_id)
    except Customer.DoesNotExist as exc:
        raise not_found(CUSTOMER_NOT_FOUND, code=60003) from exc


# --- Customers -----------------------------------------------------------------------------


# The customer_page argument each filter field sets.
FILTER_FIELDS = {
    "companyname": "name_prefix",
    "domain": "domain_prefix",
    "indirectreseller": "indirect_reseller",
    "indirectcloudsolutionprovider": "indirect_provider",
}
# How Microsoft's SDKs and docs spell the one operator (matched without case).
STARTS_WITH = {"starts_with", "startswith"}


FILTER_SHAPE = (
    'filter must be JSON like {"Field": "CompanyName", "Value": "Lin", "Operator": "starts_with"}'
)


def _customer_filter(raw: str) -> dict:
    """The ``filter`` parameter as customer_page's arguments (read as bodies are: parsers)."""
    try:
        spec = loads(raw)
    except JsonInputError as exc:
        raise invalid(f"{FILTER_SHAPE}; this is not valid JSON: {exc}.") from exc
    if not isinstance(spec, dict):
        raise invalid(f"{FILTER_SHAPE}.")
    spec = {key_fold(k): v for k, v in spec.items()}
    if not all(isinstance(spec.get(k, ""), str) for k in ("field", "value", "operator")):
        raise invalid(f"{FILTER_SHAPE}: Field, Value and Operator are strings.")
    try:
        field, value = key_fold(spec["field"]), spec["value"]
    except KeyError as exc:
        raise invalid(f"{FILTER_SHAPE}: Field and Value are required.") from exc
    operator = spec.get("operator", "starts_with").lower()
    if operator not in STARTS_WITH:
        raise invalid("The only filter operator is starts_with.")
    if "\x00" in value:  # PostgreSQL refuses NUL in a query
        raise invalid("The filter value can't contain null characters.")
    if field not in FILTER_FIELDS:
        raise invalid(
            "Filter on CompanyName, Domain, IndirectReseller or IndirectCloudSolutionProvider."
        )
    return {FILTER_FIELDS[field]: value}


class CustomersView(ApiView):
    @extend_schema(
        operation_id="customers_list",
        parameters=[
            OpenApiParameter("size", int, description="Page size; 0 or absent = 100."),
            OpenApiParameter("filter", str, description="URL-encoded JSON filter."),
            OpenApiParameter("seekOperation", str, enum=["Next"]),
            OpenApiParameter("MS-ContinuationToken", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={200: s.CustomerCollectionSerializer},
    )
    def get(self, request):
        """The partner's customers, seek-paged: follow ``links.next`` with its header."""
        page, size, token = _seek_page(
            request,
            lambda raw_filter, **paging: customer_page(
                actor=self.actor,
                **paging,
                **(_customer_filter(raw_filter) if raw_filter else {}),
            ),
        )
        next_link = None
        if token:
            next_link = s.link(
                f"/customers?size={size}&seekOperation=Next",
                headers=[{"key": "MS-ContinuationToken", "value": token}],
            )
        body = s.collection(page.rows, f"/customers?size={size}", next_link, token)
        return Response(s.CustomerCollectionSerializer(body).data)

    @extend_schema(
        operation_id="customers_create",
        request=s.CustomerCreateSerializer,
        responses={201: s.CustomerSerializer},
    )
    def post(self, request):
        """Create a customer (with ``associatedPartnerId``: an indirect reseller's customer)."""
        data = parse(s.CustomerCreateSerializer, request.data)
        reseller = None
        if data.get("associatedPartnerId"):
            reseller = partner_find(
                tenant_id=data["associatedPartnerId"], partner_type=PartnerType.INDIRECT_RESELLER
            )
            if reseller is None:  # whose reseller it is, the service checks
                raise Refusal(RefusalCode.NOT_YOUR_RESELLER, customer_services.NOT_YOUR_RESELLER)
        customer = customer_services.customer_create(
            actor=self.actor, details=s.customer_details_from(data), indirect_reseller=reseller
        )
        customer = customer_for(self.actor, customer.tenant_id)
        return Response(s.CustomerSerializer(customer).data, status=201)


class CustomerView(ApiView):
    @extend_schema(operation_id="customers_get", responses={200: s.CustomerDetailSerializer})
    def get(self, request, customer_id):
        customer = customer_for(self.actor, customer_id)
        return Response(s.CustomerDetailSerializer(customer).data)

    @extend_schema(
        operation_id="customers_remove_relationship",
        request=s.CustomerRelationshipPatchSerializer,
        responses={200: s.CustomerSerializer},
    )
    def patch(self, request, customer_id):
        """End the reseller relationship: ``{"relationshipToPartner": "none"}``. The customer
        leaves your list; refused (409) while it has active subscriptions you ordered."""
        customer = customer_for(self.actor, customer_id)
        parse(s.CustomerRelationshipPatchSerializer, request.data)
        order_services.customer_relationship_end(actor=self.actor, customer=customer)
        return Response(s.CustomerReleasedSerializer(customer).data)


class CustomerRelationshipsView(ApiView):
    @extend_schema(
        operation_id="customer_relationships_list",
        responses={200: s.PartnerRelationshipCollectionSerializer},
    )
    def get(self, request, customer_id):
        """The indirect resellers linked to this customer (PartnerRelationship collection)."""
        customer = customer_for(self.actor, customer_id)
        resellers = customer_reseller_list(actor=self.actor, customer=customer)
        body = s.collection(resellers, f"/customers/{customer.tenant_id}/relationships")
        context = {"relationship_type": "is_indirect_reseller_of"}
        return Response(s.PartnerRelationshipCollectionSerializer(body, context=context).data)


class CompanyProfileView(ApiView):
    @extend_schema(responses={200: s.CompanyProfileSerializer})
    def get(self, request, customer_id):
        customer = customer_for(self.actor, customer_id)
        return Response(s.CompanyProfileSerializer(customer).data)


class BillingProfileView(ApiView):
    @extend_schema(operation_id="billing_profile_get", responses={200: s.BillingProfileSerializer})
    def get(self, request, customer_id):
        customer = customer_for(self.actor, customer_id)
        return Response(s.BillingProfileSerializer(customer).data)

    @extend_schema(
        operation_id="billing_profile_update",
        request=s.BillingProfileInSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={200: s.BillingProfileSerializer},
    )
    def put(self, request, customer_id):
        """Replace the billing profile; send ``If-Match`` with its etag to avoid lost updates."""
        customer = customer_for(self.actor, customer_id)
        data = parse(s.BillingProfileInSerializer, request.data)
        if_match = request.headers.get("If-Match", "").strip().strip('"')
        if if_match and if_match != s.billing_etag(customer):
            raise ApiError(412, 2055, "The ETag is no longer valid: read the profile again.")
        profile = s.billing_profile_from(data, phone_fallback=customer.contact_phone)
        updated = customer_services.customer_billing_profile_update(
            actor=self.actor, customer=customer, profile=profile
        )
        return Response(s.BillingProfileSerializer(updated).data)


class DomainView(ApiView):
    @extend_schema(
        operation_id="domains_check",
        description=(
            "200 when the domain is taken, 404 when it is free (no body either way); 400 when "
            "it is not a domain: ASCII letters, digits and hyphens (IDNA names as xn--…)."
        ),
        responses={200: OpenApiResponse(description="Taken."), 404: None},
    )
    def get(self, request, domain):
        domain = domain.strip()  # one no one could take (lib.domains) is a 400, not "free"
        try:
            validate_domain(domain)
        except DjangoValidationError as exc:
            raise invalid(" ".join(exc.messages)) from exc
        taken = customer_domain_taken(domain=normalized(domain))
        return Response(status=200 if taken else 404)

    def head(self, request, domain):
        return self.get(request, domain)


# --- Validation codes and qualifications ---------------------------------------------------


class PartnerValidationsView(ApiView):
    @extend_schema(
        operation_id="validation_codes_list",
        parameters=[
            OpenApiParameter("size", int, description="Page size; 0 or absent = 100."),
            OpenApiParameter("seekOperation", str, enum=["Next"]),
            OpenApiParameter("MS-ContinuationToken", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={200: s.ValidationCodeSerializer(many=True)},
    )
    def get(self, request):
        """The partner's GCC validation codes (a bare array, as Partner Center answers), used-up
        ones included, by organization name and seek-paged like ``/customers``: when there are
        more, the ``MS-ContinuationToken`` and ``Link`` response headers lead to the next page
        (send the token back with ``seekOperation=Next``)."""
        page, size, token = _seek_page(
            request,
            lambda raw_filter, **paging: keyset_page(
                partner_validation_code_list(actor=self.actor),
                order=("organization_name", "pk"),
                key_of=lambda code: (code.organization_name, code.pk),
                **paging,
            ),
        )
        headers = {}
        if token:
            headers["MS-ContinuationToken"] = token
            headers["Link"] = '</v1/customers/all/validations?seekOperation=Next>; rel="next"'
        return Response(s.ValidationCodeSerializer(page.rows, many=True).data, headers=headers)


class CustomerValidationsView(ApiView):
    @extend_schema(
        operation_id="customer_validation_get",
        responses={200: s.GccValidationRelationshipSerializer},
    )
    def get(self, request, customer_id):
        """Which validation code the customer was qualified with; 404 if never."""
        customer = customer_for(self.actor, customer_id)
        qualification = customer_gcc_validation_get(actor=self.actor, customer=customer)
        if qualification is None:
            raise not_found("This customer was never GCC-validated.")
        return Response(s.GccValidationRelationshipSerializer(qualification).data)

    @extend_schema(
        operation_id="customer_validation_submit",
        description=(
            "Sandbox extension (not in Partner Center): submit the customer GCC validation "
            "request for an existing customer. The review runs as in the portal; on approval "
            "the customer gets GovernmentCommunityCloud with the new validation code."
        ),
        request=s.GccValidationRequestSerializer,
        responses={201: s.CustomerQualificationSerializer},
    )
    def post(self, request, customer_id):
        if not settings.GCC_API_SANDBOX_ROUTES:
            raise not_found("This sandbox route is turned off here.")
        customer = customer_for(self.actor, customer_id)
        data = parse(s.GccValidationRequestSerializer, request.data)
        validation_request = validation_services.customer_validation_submit(
            actor=self.actor,
            submission_key=self.submission_key(),
            customer=customer,
            intake=s.customer_intake_from(data, customer),
        )
        state = QualificationState.requested(validation_request)
        return Response(s.CustomerQualificationSerializer(state).data, status=201)


SETTABLE = {"education", "stateownedentity", "state_owned_entity"}
GCC_NAMES = {"governmentcommunitycloud", "government_community_cloud"}


def _qualification_name(value) -> str:
    name = str(value).strip().lower()
    if name in GCC_NAMES or name == "3":
        return GCC
    if name in SETTABLE or name in {"none", "nonprofit", "0", "1", "2", "4"}:
        raise ApiError(400, 3000, customer_services.SETTABLE_QUALIFICATIONS_ONLY_GCC)
    raise ApiError(
        400,
        3000,
        f"Unknown qualification {str(value)[:50]!r}: use GovernmentCommunityCloud.",
    )


def _apply_gcc(view, customer, code: str) -> SpecialQualification:
    return customer_services.customer_gcc_qualification_set(
        actor=view.actor, customer=customer, validation_id=code.strip()
    )


class QualificationsView(ApiView):
    @extend_schema(
        operation_id="qualifications_list",
        responses={200: s.CustomerQualificationSerializer(many=True)},
    )
    def get(self, request, customer_id):
        """v2: a bare array; ``[]`` when the customer has none."""
        customer = customer_for(self.actor, customer_id)
        states = customer_qualification_list(actor=self.actor, customer=customer)
        return Response(s.CustomerQualificationSerializer(states, many=True).data)

    @extend_schema(
        operation_id="qualifications_create",
        parameters=[OpenApiParameter("code", str, description="The validationId (older clients).")],
        request=s.QualificationRequestSerializer,
        responses={201: s.CustomerQualificationSerializer},
    )
    def post(self, request, customer_id):
        """Set GovernmentCommunityCloud with a validation code (body ``validationCode`` or
        ``?code=``; the body wins). One create of the code is used up."""
        customer = customer_for(self.actor, customer_id)
        data = parse(s.QualificationRequestSerializer, request.data)
        _qualification_name(data["qualification"])
        code = data.get("validationCode") or request.query_params.get("code", "")
        qualification = _apply_gcc(self, customer, code)
        state = QualificationState.held(qualification)
        return Response(s.CustomerQualificationSerializer(state).data, status=201)


class QualificationV1View(ApiView):
    @extend_schema(
        operation_id="qualification_v1_get",
        responses={200: OpenApiResponse(OpenApiTypes.STR, description='e.g. "none"')},
    )
    def get(self, request, customer_id):
        """v1: the qualification as a bare JSON string, e.g. ``government_community_cloud``."""
        customer = customer_for(self.actor, customer_id)
        held = customer_special_qualification_list(actor=self.actor, customer=customer)
        kinds = {q.qualification for q in held}
        if GCC in kinds:
            return Response("government_community_cloud")
        first = sorted(kinds)[0].lower() if kinds else "none"
        return Response("state_owned_entity" if first == "stateownedentity" else first)

    @extend_schema(
        operation_id="qualification_v1_update",
        parameters=[OpenApiParameter("code", str, description="The validationId.")],
        request=OpenApiTypes.STR,
        responses={200: OpenApiResponse(OpenApiTypes.STR)},
    )
    def put(self, request, customer_id):
        customer = customer_for(self.actor, customer_id)
        if not isinstance(request.data, str | int) or isinstance(request.data, bool):
            raise invalid('Send the qualification as the whole body: "government_community_cloud".')
        _qualification_name(request.data)
        _apply_gcc(self, customer, request.query_params.get("code", ""))
        return Response("government_community_cloud")


# --- Relationships -------------------------------------------------------------------------


class RelationshipRequestView(ApiView):
    @extend_schema(
        operation_id="relationship_request_get",
        parameters=[
            OpenApiParameter("indirectResellerId", str, description="A reseller's tenant ID."),
            OpenApiParameter("indirectCloudSolutionProviderId", str),
            OpenApiParameter("dualRoleIndirectRelationship", bool),
        ],
        responses={200: s.RelationshipRequestSerializer},
    )
    def get(self, request):
        """The partner's personalized reseller relationship link for a customer's admin to
        accept: the same link while it is pending, a new one once it is used or near expiry."""
        reseller = None
        reseller_id = request.query_params.get("indirectResellerId", "").strip()
        if reseller_id:
            try:
                reseller = partner_find(tenant_id=UUID(reseller_id))
            except ValueError:
                reseller = None
            if reseller is None:
                raise ApiError(400, 800016, relationship_services.NOT_YOUR_RESELLER)
        relationship_request = relationship_services.relationship_request_current(
            actor=self.actor, indirect_reseller=reseller
        )
        query = (
            f"invType=ResellerRelationship&partnerId={self.actor.partner.tenant_id}"
            "&msppId=0&DAP=false"
        )
        if reseller is not None:
            query += f"&indirectResellerId={reseller.tenant_id}"
        url = f"{relationship_services.relationship_link(relationship_request)}?{query}"
        return Response(s.RelationshipRequestSerializer({"url": url}).data)


RELATIONSHIP_TYPES = {
    "isindirectcloudsolutionproviderof": "is_indirect_cloud_solution_provider_of",
    "is_indirect_cloud_solution_provider_of": "is_indirect_cloud_solution_provider_of",
    "isindirectresellerof": "is_indirect_reseller_of",
    "is_indirect_reseller_of": "is_indirect_reseller_of",
}


class RelationshipsView(ApiView):
    @extend_schema(
        operation_id="relationships_list",
        parameters=[
            OpenApiParameter(
                "relationship_type",
                str,
                required=True,
                enum=["IsIndirectCloudSolutionProviderOf", "IsIndirectResellerOf"],
            )
        ],
        responses={200: s.PartnerRelationshipCollectionSerializer},
    )
    def get(self, request):
        """An indirect provider's resellers, or an indirect reseller's provider."""
        kind = RELATIONSHIP_TYPES.get(request.query_params.get("relationship_type", "").lower())
        if kind is None:
            raise invalid(
                "relationship_type must be IsIndirectCloudSolutionProviderOf or "
                "IsIndirectResellerOf."
            )
        if kind == "is_indirect_cloud_solution_provider_of":
            partners = indirect_reseller_list(actor=self.actor)
        else:
            partners = indirect_provider_list(actor=self.actor)
        body = s.collection(list(partners), f"/relationships?relationship_type={kind}")
        return Response(
            s.PartnerRelationshipCollectionSerializer(
                body, context={"relationship_type": kind}
            ).data
        )


# --- Offers --------------------------------------------------------------------------------


def _check_country(request):
    country = request.query_params.get("country", "US").strip().upper()
    if country != s.COUNTRY:
        raise ApiError(400, 800070, f"Offers are not available in {country[:8]!r}: use US.")


def _offer_page(request, offers: list, base_uri: str) -> dict:
    offset, size = (
        _offset(request.query_params.get("offset")),
        _page_size(request.query_params.get("size")),
    )
    page = offers[offset : offset + size]
    next_link = None
    if offset + size < len(offers):
        sep = "&" if "?" in base_uri else "?"
        next_link = s.link(f"{base_uri}{sep}offset={offset + size}&size={size}")
    sep = "&" if "?" in base_uri else "?"
    body = s.collection(page, f"{base_uri}{sep}offset={offset}&size={size}", next_link)
    return s.OfferCollectionSerializer(body).data


PAGING = [
    OpenApiParameter("offset", int),
    OpenApiParameter("size", int, description="Page size; 0 or absent = 100."),
]


class OffersView(ApiView):
    @extend_schema(
        operation_id="offers_list",
        parameters=[OpenApiParameter("country", str, description="US only."), *PAGING],
        responses={200: s.OfferCollectionSerializer},
    )
    def get(self, request):
        """The catalog for a market, index-paged."""
        _check_country(request)
        return Response(_offer_page(request, list(offer_list()), "/offers?country=US"))


class OfferView(ApiView):
    @extend_schema(
        operation_id="offers_get",
        parameters=[OpenApiParameter("country", str, description="US only.")],
        responses={200: s.OfferSerializer},
    )
    def get(self, request, offer_id):
        _check_country(request)
        offer = offer_get(offer_id=offer_id)
        if offer is None:
            raise not_found(f"The offer {offer_id[:64]!r} was not found.")
        return Response(s.OfferSerializer(offer).data)


def _categories(offers, self_uri: str) -> dict:
    categories = s.offer_categories(offers)
    return s.OfferCategoryCollectionSerializer(s.collection(categories, self_uri)).data


class OfferCategoriesView(ApiView):
    @extend_schema(
        operation_id="offer_categories_list",
        parameters=[OpenApiParameter("country", str, description="US only.")],
        responses={200: s.OfferCategoryCollectionSerializer},
    )
    def get(self, request):
        """The categories of the offers on sale in a market: Government (GCC) and Business."""
        _check_country(request)
        return Response(_categories(list(offer_list()), "/offercategories?country=US"))


class CustomerOfferCategoriesView(ApiView):
    @extend_schema(
        operation_id="customer_offer_categories_list",
        responses={200: s.OfferCategoryCollectionSerializer},
    )
    def get(self, request, customer_id):
        """The categories of the offers this customer may buy now: Government appears once
        it holds GovernmentCommunityCloud (and Business goes: a GCC customer buys GCC only)."""
        customer = customer_for(self.actor, customer_id)
        offers = orderable_offer_list(actor=self.actor, customer=customer)
        return Response(_categories(offers, f"/customers/{customer.tenant_id}/offercategories"))


class CustomerOffersView(ApiView):
    @extend_schema(
        operation_id="customer_offers_list",
        parameters=PAGING,
        responses={200: s.OfferCollectionSerializer},
    )
    def get(self, request, customer_id):
        """Only the offers this customer may buy now (the ordering gate)."""
        customer = customer_for(self.actor, customer_id)
        offers = orderable_offer_list(actor=self.actor, customer=customer)
        return Response(_offer_page(request, offers, f"/customers/{customer.tenant_id}/offers"))


# --- Orders and subscriptions --------------------------------------------------------------


class OrdersView(ApiView):
    @extend_schema(operation_id="orders_list", responses={200: s.OrderCollectionSerializer})
    def get(self, request, customer_id):
        customer = customer_for(self.actor, customer_id)
        orders = list(order_list(actor=self.actor, customer=customer))
        body = s.collection(orders, f"/customers/{customer.tenant_id}/orders")
        return Response(s.OrderCollectionSerializer(body).data)

    @extend_schema(
        operation_id="orders_create",
        request=s.OrderCreateSerializer,
        responses={201: s.OrderSerializer},
    )
    def post(self, request, customer_id):
        """Place an order; a worker provisions it: the answer is ``pending`` with no
        ``subscriptionId`` yet; poll ``links.provisioningStatus`` (or the order) until each line
        is ``fulfilled``. ``partnerIdOnRecord`` names the indirect reseller credited."""
        customer = customer_for(self.actor, customer_id)
        data = parse(s.OrderCreateSerializer, request.data)
        reference = (data.get("referenceCustomerId") or "").strip()
        if reference and reference.lower() != str(customer.tenant_id):
            raise ApiError(400, 900118, "referenceCustomerId is not the customer in the path.")
        items = data["lineItems"]
        numbers = sorted(item["lineItemNumber"] for item in items)
        if numbers != list(range(len(items))):
            raise ApiError(
                400, 800071, "lineItemNumber must be unique and run from 0 to the count minus 1."
            )
        lines = [
            order_services.CartLine(
                offer_id=item["offerId"],
                quantity=item["quantity"],
                friendly_name=item.get("friendlyName") or "",
                partner_id_on_record=item.get("partnerIdOnRecord") or "",
                term=(item.get("termDuration") or "").upper(),
                billing_cycle=line_billing_cycle(item, data),
            )
            for item in sorted(items, key=lambda item: item["lineItemNumber"])
        ]
        order = order_services.order_place(
            actor=self.actor, customer=customer, lines=lines, submission_key=self.submission_key()
        )
        order = order_get(actor=self.actor, customer=customer, uuid=order.uuid)
        return Response(s.OrderSerializer(order).data, status=201)


def line_billing_cycle(item: dict, order: dict) -> str:
    """The line's billing cycle, else the order's (Partner Center sets it on the order);
    blank, or ``none``, means the offer's default."""
    cycle = (item.get("billingCycle") or order.get("billingCycle") or "").strip().lower()
    return "" if cycle == "none" else cycle


def order_for(actor, customer, order_id) -> Order:
    try:
        return order_get(actor=actor, customer=customer, uuid=UUID(str(order_id)))
    except (ValueError, Order.DoesNotExist) as exc:
        raise not_found("The order was not found.", code=20000) from exc


class OrderView(ApiView):
    @extend_schema(operation_id="orders_get", responses={200: s.OrderSerializer})
    def get(self, request, customer_id, order_id):
        customer = customer_for(self.actor, customer_id)
        return Response(s.OrderSerializer(order_for(self.actor, customer, order_id)).data)


class OrderProvisioningStatusView(ApiView):
    @extend_schema(
        operation_id="orders_provisioning_status",
        responses={200: s.OrderProvisioningStatusCollectionSerializer},
    )
    def get(self, request, customer_id, order_id):
        """Each line's provisioning: ``pending`` until its subscription exists, then
        ``fulfilled`` (the way to wait for an order placed ``pending``)."""
        customer = customer_for(self.actor, customer_id)
        order = order_for(self.actor, customer, order_id)
        uri = f"{s.order_uri(order)}/provisioningstatus"
        body = s.collection(list(order.lines.all()), uri)
        return Response(s.OrderProvisioningStatusCollectionSerializer(body).data)


def subscription_for(actor, customer, subscription_id) -> Subscription:
    try:
        uuid = UUID(str(subscription_id))
        return subscription_get(actor=actor, customer=customer, uuid=uuid)
    except (ValueError, Subscription.DoesNotExist) as exc:
        raise not_found("The subscription was not found.", code=20003) from exc


class SubscriptionsView(ApiView):
    @extend_schema(
        operation_id="subscriptions_list",
        parameters=[
            OpenApiParameter("order_id", str, description="Only this order's."),
            OpenApiParameter("mpn_id", str, description="Only those credited to this partner ID."),
        ],
        responses={200: s.SubscriptionCollectionSerializer},
    )
    def get(self, request, customer_id):
        customer = customer_for(self.actor, customer_id)
        order_id = request.query_params.get("order_id", "").strip()
        try:
            order_uuid = UUID(order_id) if order_id else None
        except ValueError as exc:
            raise invalid("order_id must be an order's id.") from exc
        mpn_id = request.query_params.get("mpn_id", "").strip() or None
        subscriptions = list(
            subscription_list(
                actor=self.actor, customer=customer, order_uuid=order_uuid, mpn_id=mpn_id
            )
        )
        body = s.collection(subscriptions, f"/customers/{customer.tenant_id}/subscriptions")
        return Response(s.SubscriptionCollectionSerializer(body).data)


class SubscriptionView(ApiView):
    @extend_schema(operation_id="subscriptions_get", responses={200: s.SubscriptionSerializer})
    def get(self, request, customer_id, subscription_id):
        customer = customer_for(self.actor, customer_id)
        subscription = subscription_for(self.actor, customer, subscription_id)
        return Response(s.SubscriptionSerializer(subscription).data)

    @extend_schema(
        operation_id="subscriptions_update",
        request=s.SubscriptionPatchSerializer,
        responses={200: s.SubscriptionSerializer},
    )
    def patch(self, request, customer_id, subscription_id):
        """Change ``quantity`` (within the offer's bounds; a decrease after the cancellation
        window is scheduled for the renewal), ``status`` (``active``, ``suspended``, or
        ``deleted`` to cancel within the window), ``autoRenewEnabled`` or ``friendlyName``."""
        customer = customer_for(self.actor, customer_id)
        subscription = subscription_for(self.actor, customer, subscription_id)
        data = parse(s.SubscriptionPatchSerializer, request.data)
        status = data.get("status")
        lifecycle.subscription_update(
            actor=self.actor,
            subscription=subscription,
            quantity=data.get("quantity"),
            status=status.lower() if status is not None else None,
            friendly_name=data.get("friendlyName"),
            auto_renew=data.get("autoRenewEnabled"),
        )
        subscription = subscription_for(self.actor, customer, subscription_id)
        return Response(s.SubscriptionSerializer(subscription).data)


class SubscriptionProvisioningStatusView(ApiView):
    @extend_schema(
        operation_id="subscriptions_provisioning_status",
        responses={200: s.SubscriptionProvisioningStatusSerializer},
    )
    def get(self, request, customer_id, subscription_id):
        customer = customer_for(self.actor, customer_id)
        subscription = subscription_for(self.actor, customer, subscription_id)
        return Response(s.SubscriptionProvisioningStatusSerializer(subscription).data)


def unknown_route(request, *args, **kwargs):
    """Any other /v1/ path: a 404 in the reference's shape, not an HTML page."""
    return error_response(404, 1000, "The resource was not found.")
