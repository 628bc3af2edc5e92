"""The "express interest" box on achievement and demand pages."""

from django import template

from keqiao.accounts.selectors import user_organization_ids

from .. import selectors

register = template.Library()


@register.inclusion_tag("negotiations/_interest_box.html", takes_context=True)
def interest_box(context, listing, kind: str):
    user = context["request"].user
    own = user.is_authenticated and listing.organization_id in user_organization_ids(user)
    return {
        "listing": listing,
        "kind": kind,
        "user": user,
        "own": own,
        "deal": None if own or not user.is_authenticated else selectors.open_deal_for(user, listing),
        "request": context["request"],
    }
