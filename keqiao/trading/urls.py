"""Listed trading: price notices, fixed-price listings, auctions and challenge tenders (技术交易)."""

from django.urls import path

from . import listing_views, views

app_name = "trading"

urlpatterns = [
    path("", views.hall, name="hall"),
    path("auctions/new/", views.auction_new, name="auction_new"),
    path("auctions/<int:pk>/", views.auction, name="auction"),
    path("auctions/<int:pk>/live/", views.auction_live, name="auction_live"),
    path("auctions/<int:pk>/ledger.json", views.auction_ledger, name="auction_ledger"),
]

urlpatterns += [
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/new/<int:deal_pk>/", views.notice_new, name="notice_new"),
    path(
        "notices/<int:pk>/attachments/<int:attachment_pk>/", views.notice_attachment, name="notice_attachment"
    ),
]

urlpatterns += [
    path("listings/", listing_views.listing_list, name="listings"),
    path("listings/new/", listing_views.listing_new, name="listing_new"),
    path("listings/<int:pk>/", listing_views.listing, name="listing"),
]
