"""Sign-up and sign-in by e-mail address: the address is also the user name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

User = get_user_model()


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=150,  # it is also the user name (150 characters at most)
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("用于登录，以及在有新的政策适用于您时通知您"),
    )

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise ValidationError(_("该邮箱已注册，请直接登录"), code="taken")
        # Set now: the password validators (run later in cleaning) compare with the user name.
        self.instance.username = email
        return email

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.username = user.email = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class EmailAuthenticationForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("电子邮箱")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the address labelled as on the other account pages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("电子邮箱")


class NoticesForm(forms.Form):
    """Which kinds of notice the daily digest carries."""

    notify_gained = forms.BooleanField(required=False, label=_("新增符合的政策"))
    notify_lost = forms.BooleanField(required=False, label=_("不再符合的政策"))
    notify_amount = forms.BooleanField(required=False, label=_("金额变化"))
    notify_windows = forms.BooleanField(required=False, label=_("申报开始与即将截止"))
