"""The messages of the reporting app stored in Vietnamese and shown on screens (households.datatext): a report's
progress messages, the figures' labels a submission freezes, the notifications. Each entry is the text its code
writes, with the variable parts as `%(name)s`; the comment above a group names the code."""
from django.utils.translation import gettext_noop

from households.datatext import DIGITS, pattern

# reporting.figures: the labels of the figures (frozen in Submission.figures when a report is submitted).
FIGURES = (
    gettext_noop("Tổng số hộ dân cư (ngày 31/12)"),
    gettext_noop("Tổng số nhân khẩu"),
    gettext_noop("Số hộ được rà soát trong năm"),
    gettext_noop("Hộ nghèo đầu năm"),
    gettext_noop("Hộ thoát nghèo trong năm"),
    gettext_noop("Hộ tái nghèo"),
    gettext_noop("Hộ nghèo phát sinh mới"),
    gettext_noop("Hộ nghèo cuối năm"),
    gettext_noop("Tỷ lệ hộ nghèo (%)"),
    gettext_noop("Hộ cận nghèo cuối năm"),
    gettext_noop("Tỷ lệ hộ cận nghèo (%)"),
    gettext_noop("Hộ nghèo dân tộc thiểu số"),
    gettext_noop("Tỷ lệ hộ nghèo dân tộc thiểu số (%)"),
    gettext_noop("Hộ nghèo không có khả năng lao động"),
    gettext_noop("Lượt hỗ trợ hộ gia đình trong năm"),
    gettext_noop("Kinh phí hỗ trợ trong năm"),
    gettext_noop("Nhiệm vụ được giao trong năm"),
    gettext_noop("Nhiệm vụ đã hoàn thành"),
    gettext_noop("Nhiệm vụ quá hạn chưa hoàn thành"),
    gettext_noop("Tiến độ bình quân (%)"),
    gettext_noop("Số hộ được hỗ trợ theo chính sách của đơn vị"),
    gettext_noop("Số lượt hỗ trợ"),
    gettext_noop("Kinh phí hỗ trợ"),
)
pattern(gettext_noop("Tỷ lệ hộ nghèo giảm %(first)s–%(last)s (điểm %%)"), shapes={"first": DIGITS, "last": DIGITS})

# reporting.services, reporting.tasks, reporting.excel, reporting.docx: GeneratedReport.message as a report is made.
MESSAGES = (
    gettext_noop("Đang chờ đến lượt lập báo cáo."),
    gettext_noop("Đang tính số liệu…"),
    gettext_noop("Đã lập xong báo cáo."),
    gettext_noop("Không lập được báo cáo."),
    gettext_noop("Gặp lỗi tạm thời, sẽ tự thử lại…"),
    gettext_noop("Đang ghi tệp…"),
    gettext_noop("Đang tính số liệu cho báo cáo…"),
    gettext_noop("Đang viết báo cáo: phần đầu, kết quả thực hiện chỉ tiêu…"),
    gettext_noop("Đang viết báo cáo: nhiệm vụ, hỗ trợ và nguồn vốn…"),
    gettext_noop("Đang viết báo cáo: rà soát, kiểm tra, tồn tại và nhiệm vụ…"),
    gettext_noop("Đang lập phụ lục: các biểu tổng hợp…"),
    # the sheets (reporting.excel.SUMMARY_SHEETS)
    gettext_noop("So sánh, biến động cả giai đoạn"),
    gettext_noop("Kết quả rà soát"),
    gettext_noop("Biến động hộ nghèo, hộ cận nghèo"),
    gettext_noop("Hộ dân tộc thiểu số"),
    gettext_noop("Hộ theo dân tộc"),
    gettext_noop("Thiếu hụt dịch vụ xã hội cơ bản"),
    gettext_noop("Thiếu hụt của trẻ em"),
    gettext_noop("Nhóm hộ"),
    gettext_noop("Nguyên nhân nghèo"),
    gettext_noop("Chỉ tiêu"),
    gettext_noop("Hỗ trợ, nguồn vốn"),
    gettext_noop("Nhiệm vụ"),
    gettext_noop("Chấp hành báo cáo"),
    gettext_noop("Diễn biến tỷ lệ"),
)
pattern(gettext_noop("Đã lập biểu: %(sheet)s"), translate=("sheet",))
pattern(gettext_noop("Danh sách hộ: %(done)s/%(total)s hộ"))
pattern(gettext_noop("Báo cáo bị gián đoạn: không lập xong trong %(minutes)s phút (máy chủ có thể đã khởi động lại giữa "
                     "chừng). Hãy yêu cầu lập lại."))

# reporting.services: the notifications (a period is "năm 2026" or "giai đoạn 2021–2025", written in Vietnamese).
PERIOD = r"năm \d{4}|giai đoạn \d{4}–\d{4}"
pattern(gettext_noop("năm %(year)s"))
pattern(gettext_noop("giai đoạn %(first)s–%(last)s"), shapes={"first": DIGITS, "last": DIGITS})
pattern(gettext_noop("%(owner)s đã nộp %(name)s %(period)s"), translate=("name", "period"), shapes={"period": PERIOD})
pattern(gettext_noop("%(owner)s đã nộp %(name)s %(period)s (muộn)"), translate=("name", "period"), shapes={"period": PERIOD})
pattern(gettext_noop("Báo cáo %(period)s của %(owner)s đã được tiếp nhận"), translate=("period",), shapes={"period": PERIOD})
pattern(gettext_noop("Báo cáo %(period)s của %(owner)s bị trả lại để sửa"), translate=("period",), shapes={"period": PERIOD})
pattern(gettext_noop("Lý do: %(reason)s"))
pattern(gettext_noop("Còn %(days)s ngày: nộp %(name)s %(period)s trước ngày %(date)s"), translate=("name", "period"),
        shapes={"days": DIGITS, "period": PERIOD})
pattern(gettext_noop("Quá hạn %(days)s ngày: %(name)s %(period)s phải nộp trước ngày %(date)s"),
        translate=("name", "period"), shapes={"days": DIGITS, "period": PERIOD})
pattern(gettext_noop("Đơn vị: %(owner)s."))
pattern(gettext_noop("Đơn vị: %(owner)s. Gửi: %(recipients)s."), lists={"recipients": "; "})
pattern(gettext_noop("Đơn vị: %(owner)s. Báo cáo đã bị trả lại để sửa: %(reason)s"))
pattern(gettext_noop("Đơn vị: %(owner)s. Gửi: %(recipients)s. Báo cáo đã bị trả lại để sửa: %(reason)s"), lists={"recipients": "; "})
# A report's short title (GeneratedReport.short_title, lower case first): "báo cáo năm 2025", "sơ kết 5 năm giai đoạn …".
pattern(gettext_noop("%(name)s %(period)s"), translate=("name", "period"), shapes={"name": ".*", "period": PERIOD + r"|\d{4}"})
pattern(gettext_noop("Đã lập xong %(title)s – %(unit)s"), translate=("title",))
