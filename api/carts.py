"""/v1/customers/{id}/carts: Partner Center's carts (reference section 11), over orders.carts.

A line's ``catalogItemId`` is ``{offerId}:0001:0001`` (our catalog has one SKU and one
availability per offer; the bare ``offerId`` is accepted too). The partner of record is the
line's ``participants`` entry ``transaction_reseller`` (an indirect reseller's partner ID).
Checkout places one order through the same service as ``POST …/orders``.
"""

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.response import Response

from lib.refusals import Refusal
from orders import carts as cart_services
from orders.models import Cart
from orders.selectors import cart_get, order_get

from . import serializers as s
from .base import ApiView
from .errors import REFUSAL_ERRORS, not_found
from .keys import parse
from .views import customer_for

PARTNER_OF_RECORD = "transaction_reseller"


def api_code(refusal_code: str) -> int:
    """The Partner Center code a refusal answers with (api.errors), for a line's error."""
    return REFUSAL_ERRORS.get(refusal_code, (400, 3000))[1]


# --- Shapes --------------------------------------------------------------------------------


class ParticipantSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField(allow_blank=True)


class CartLineErrorSerializer(serializers.Serializer):  # a refused CartLineItem
    """Why the line can't be ordered: the code an order with it would be refused with."""

    errorCode = serializers.SerializerMethodField()
    errorDescription = serializers.CharField(source="error_description")

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, **kwargs)

    def get_attribute(self, line):
        if not line.error_code:
            raise SkipField  # only a refused line has an error
        return line

    def get_errorCode(self, line) -> int:
        return api_code(line.error_code)


class CartLineItemSerializer(serializers.Serializer):  # a CartLineItem
    id = serializers.IntegerField(source="number")
    catalogItemId = serializers.CharField(source="catalog_item_id")
    friendlyName = serializers.CharField(source="friendly_name")
    quantity = serializers.IntegerField()
    currencyCode = s.FixedCharField("USD")
    billingCycle = serializers.SerializerMethodField()
    termDuration = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    provisioningContext = s.FixedDictField({}, child=serializers.CharField())
    orderGroup = s.FixedCharField("0")  # one cart, one order
    error = CartLineErrorSerializer()

    def get_billingCycle(self, line) -> str:
        return line.offer.billing_cycle if line.offer else "none"

    def get_termDuration(self, line) -> str:
        return line.offer.term if line.offer else ""

    def get_participants(self, line) -> list[dict]:
        if not line.partner_id_on_record:
            return []
        return [{"key": PARTNER_OF_RECORD, "value": line.partner_id_on_record}]


def cart_uri(cart: Cart) -> str:
    return f"{s.customer_uri(cart.customer)}/carts/{cart.uuid}"


class CartSerializer(serializers.Serializer):  # orders.selectors.cart_get's Cart
    id = serializers.CharField(source="uuid")
    creationTimestamp = s.UtcDateTimeField(source="created_at")
    lastModifiedTimestamp = s.UtcDateTimeField(source="updated_at")
    expirationTimestamp = s.UtcDateTimeField(source="expires_at")
    lastModifiedUser = serializers.CharField(source="updated_by.username")
    status = serializers.ChoiceField(choices=["Active", "Ordered"])
    lineItems = CartLineItemSerializer(source="lines", many=True)
    links = s.LinksField({"self": cart_uri, "checkout": lambda c: f"{cart_uri(c)}/checkout"})
    attributes = s.AttributesSerializer(object_type="Cart")


class CartLineItemInSerializer(serializers.Serializer):
    id = s.WholeNumberField(required=False, min_value=0)
    catalogItemId = serializers.CharField(max_length=100)
    quantity = s.WholeNumberField()
    friendlyName = serializers.CharField(required=False, allow_blank=True, max_length=200)
    billingCycle = serializers.CharField(required=False, allow_blank=True)
    termDuration = serializers.CharField(required=False, allow_blank=True)
    participants = ParticipantSerializer(many=True, required=False)


class CartInSerializer(serializers.Serializer):
    lineItems = CartLineItemInSerializer(many=True, allow_empty=True)


class OrderErrorSerializer(serializers.Serializer):
    orderGroupId = serializers.CharField()
    code = serializers.IntegerField()
    description = serializers.CharField()


class CartCheckoutResultSerializer(serializers.Serializer):
    orders = s.OrderSerializer(many=True)
    orderErrors = OrderErrorSerializer(many=True)
    attributes = s.AttributesSerializer(object_type="CartCheckoutResult")


def _items(data: dict) -> list[cart_services.CartItem]:
    """The cart's lines as the service takes them, in their ``id`` order (or as sent)."""
    lines = sorted(enumerate(data["lineItems"]), key=lambda pair: pair[1].get("id", pair[0]))
    items = []
    for _, line in lines:
        participants = {p["key"].lower(): p["value"] for p in line.get("participants", [])}
        items.append(
            cart_services.CartItem(
                catalog_item_id=line["catalogItemId"],
                quantity=line["quantity"],
                friendly_name=line.get("friendlyName") or "",
                partner_id_on_record=participants.get(PARTNER_OF_RECORD, ""),
            )
        )
    return items


# --- Doors ---------------------------------------------------------------------------------


def cart_for(actor, customer, cart_id) -> Cart:
    try:
        return cart_get(actor=actor, customer=customer, uuid=UUID(str(cart_id)))
    except (ValueError, Cart.DoesNotExist) as exc:
        raise not_found("The cart was not found.") from exc


class CartsView(ApiView):
    @extend_schema(
        operation_id="carts_create", request=CartInSerializer, responses={201: CartSerializer}
    )
    def post(self, request, customer_id):
        """A new cart; each line is checked now and a refused one carries its ``error`` (the
        code an order would be refused with). Carts expire after 7 days."""
        customer = customer_for(self.actor, customer_id)
        items = _items(parse(CartInSerializer, request.data))
        cart = cart_services.cart_create(actor=self.actor, customer=customer, items=items)
        cart = cart_for(self.actor, customer, cart.uuid)
        return Response(CartSerializer(cart).data, status=201)


class CartView(ApiView):
    @extend_schema(operation_id="carts_get", responses={200: CartSerializer})
    def get(self, request, customer_id, cart_id):
        customer = customer_for(self.actor, customer_id)
        return Response(CartSerializer(cart_for(self.actor, customer, cart_id)).data)

    @extend_schema(
        operation_id="carts_update", request=CartInSerializer, responses={200: CartSerializer}
    )
    def put(self, request, customer_id, cart_id):
        """Replace the cart's lines (the whole cart is sent again)."""
        customer = customer_for(self.actor, customer_id)
        cart = cart_for(self.actor, customer, cart_id)
        items = _items(parse(CartInSerializer, request.data))
        cart_services.cart_replace(actor=self.actor, cart=cart, items=items)
        return Response(CartSerializer(cart_for(self.actor, customer, cart_id)).data)


class CartCheckoutView(ApiView):
    @extend_schema(
        operation_id="carts_checkout", request=None, responses={201: CartCheckoutResultSerializer}
    )
    def post(self, request, customer_id, cart_id):
        """Order the cart: 201 with the order in ``orders``, or, when a line is refused now, no
        order and each refusal in ``orderErrors`` (the cart stays Active: fix it and retry).
        Send ``MS-RequestId``: a retried checkout gets the first answer."""
        customer = customer_for(self.actor, customer_id)
        cart = cart_for(self.actor, customer, cart_id)
        result = cart_services.cart_checkout(
            actor=self.actor, cart=cart, submission_key=self.submission_key()
        )
        orders = []
        if result.order is not None:
            orders = [order_get(actor=self.actor, customer=customer, uuid=result.order.uuid)]
        body = {"orders": orders, "orderErrors": [_order_error(e) for e in result.errors]}
        return Response(CartCheckoutResultSerializer(body).data, status=201)


def _order_error(refusal: Refusal) -> dict:
    return {"orderGroupId": "0", "code": api_code(refusal.code), "description": refusal.message}
