from ninja import Router
from ninja.security import django_auth

router = Router(tags=["annual reports"], auth=django_auth)
