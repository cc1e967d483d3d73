from django import forms

from tutti.referrals.bulk.importer import MAX_BYTES, MAX_ROWS, FileRejected, read_rows


class ReferralFileForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file of referrals",
        help_text=(
            f"Use the columns in the template. Up to {MAX_ROWS:,} referrals "
            f"and {MAX_BYTES // (1024 * 1024)} MB in one file."
        ),
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "The file must be a CSV file. In your spreadsheet, use Save As and choose CSV."
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB. "
                f"Split it into files of at most {MAX_ROWS:,} referrals."
            )
        data = upload.read()
        # Problems with the file as a whole are found now; each row is checked in the import.
        try:
            read_rows(data)
        except FileRejected as error:
            raise forms.ValidationError(str(error)) from None
        self.cleaned_data["data"] = data
        return upload
