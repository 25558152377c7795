from django import forms
from django.utils.translation import gettext_lazy as _

from .geo import KOREAN_CRS
from .models import LayerKind

CRS_CHOICES = [("", _("파일의 좌표계(.prj) 사용"))] + [
    (str(code), f"EPSG:{code} {name}") for code, name in KOREAN_CRS.items()
]
ENCODINGS = [("", _("자동(.cpg, 없으면 UTF-8 또는 CP949)")), ("cp949", "CP949 (EUC-KR)"), ("utf-8", "UTF-8")]


class KoreanForm(forms.Form):
    """Labels without Django's trailing colon, as Korean forms write them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ImportForm(KoreanForm):
    file = forms.FileField(
        label=_("파일"),
        help_text=_("GeoJSON(.geojson), GeoPackage(.gpkg), Shapefile(.shp·.shx·.dbf·.prj를 묶은 .zip)"),
    )
    code = forms.SlugField(
        label=_("레이어 코드"),
        max_length=50,
        help_text=_("영문 소문자·숫자·하이픈. 있는 레이어의 코드면 그 레이어의 객체를 모두 바꿉니다."),
    )
    title = forms.CharField(label=_("레이어 이름"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("종류"), choices=LayerKind.choices, initial=LayerKind.OTHER)
    source = forms.CharField(label=_("출처"), max_length=200, required=False)
    data_date = forms.DateField(
        label=_("기준일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    accuracy = forms.CharField(label=_("정확도"), max_length=100, required=False)
    crs = forms.TypedChoiceField(
        label=_("원본 좌표계"), choices=CRS_CHOICES, coerce=int, empty_value=None, required=False
    )
    encoding = forms.ChoiceField(label=_("속성 문자 인코딩(Shapefile)"), choices=ENCODINGS, required=False)
    gpkg_layer = forms.CharField(
        label=_("GeoPackage 레이어 이름"), max_length=100, required=False, help_text=_("레이어가 여럿일 때만")
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code != code.lower() or "_" in code:
            raise forms.ValidationError(_("코드는 영문 소문자, 숫자, 하이픈만 씁니다."))
        return code


class ProgressForm(KoreanForm):
    area = forms.CharField(label=_("지역"), max_length=100)
    sheet = forms.CharField(label=_("도엽 번호"), max_length=50, required=False)
    quantity = forms.CharField(label=_("실적"), max_length=20)
    done_on = forms.DateField(label=_("실적일"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("비고"), max_length=200, required=False)
