from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from tutti.accounts.models import ApiCall, ApiToken, User
from tutti.accounts.tokens import api_token_create, api_token_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "full_name", "organisation", "is_active"]
    list_filter = ["groups", "is_active", "organisation"]
    search_fields = ["username", "email", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Tutti", {"fields": ["full_name", "job_title", "organisation"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Tutti", {"fields": ["email", "full_name", "organisation", "groups"]}),
    )


class ApiTokenCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give a partner system only what it needs.",
    )

    class Meta:
        model = ApiToken
        fields = ["name", "organisation", "scopes"]
        help_texts = {"name": "The partner system, like 'Camden GP practices (EMIS)'."}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators create tokens (shown once, stored hashed) and revoke them. A token is
    never deleted: the referrals it sent and its API calls keep pointing at it."""

    list_display = ["name", "organisation", "scope_list", "state", "created_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "organisation"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "organisation",
        "scope_list",
        "prefix",
        "state",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
            kwargs["fields"] = ApiTokenCreateForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ApiTokenCreateForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing about a token changes but its revocation (the action)
        token, plain = api_token_create(
            name=obj.name,
            scopes=form.cleaned_data["scopes"],
            organisation=obj.organisation,
            actor=request.user,
        )
        # The admin goes on with `obj` (its log entry, the page after): make it the new row.
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if k != "_state"})
        obj._state.adding, obj._state.db = False, token._state.db
        request._api_token_plain = plain

    def response_add(self, request, obj, post_url_continue=None):
        """The token, once: it is not stored, so it can never be shown again."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API token created",
            "token": obj,
            "plain": request._api_token_plain,
        }
        response = TemplateResponse(request, "admin/accounts/apitoken/created.html", context)
        add_never_cache_headers(response)
        return response

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, actor=request.user)
            revoked += 1
        self.message_user(
            request,
            f"{revoked} token{'s' if revoked != 1 else ''} revoked: they no longer open the API."
            if revoked
            else "Those tokens were revoked already.",
            messages.SUCCESS if revoked else messages.INFO,
        )

    @admin.display(description="Scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    @admin.display(description="State")
    def state(self, obj):
        return "Active" if obj.is_active else f"Revoked {obj.revoked_at:%d %b %Y %H:%M}"


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    """Every API call, read-only: which token, what, when and the answer's status."""

    list_display = ["at", "token", "method", "path", "status"]
    list_filter = ["status", "method", "token"]
    date_hierarchy = "at"
    list_select_related = ["token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
