"""The messages of the households app that are stored (jobs, findings, an import's preview) or computed
(the classification's reasons, the indicators' derivations) in Vietnamese, for households.datatext.

Each entry is the Vietnamese text its code writes, with the variable parts as `%(name)s`; the comment above a group
names the code. A message whose words change there must change here too (tests/test_english_pages.py runs the code
and fails on Vietnamese left on an English page). Fixed texts only need to be in the catalog (`FIXED`).
"""
from django.utils.translation import gettext_noop

from .datatext import DIGITS, TOKEN, pattern

# --- households.poverty: labels, the classification's reasons, the indicators' derivations -----------------------

FIXED = (
    gettext_noop("Hộ có mức sống trung bình"),
    gettext_noop("Hộ không nghèo"),
    gettext_noop("nông thôn"),
    gettext_noop("thành thị"),
    gettext_noop("hộ nghèo"),
    gettext_noop("hộ cận nghèo"),
    gettext_noop("hộ có mức sống trung bình"),
    gettext_noop("hộ không nghèo"),
    gettext_noop("một thành viên"),
    gettext_noop("Chưa có danh sách nhân khẩu."),
    gettext_noop("Chỉ số này do cán bộ nhập."),
    gettext_noop("Người trong độ tuổi lao động đều có việc làm (hoặc làm công có hợp đồng)."),
    gettext_noop("Hộ không có trẻ em dưới 16 tuổi."),
    gettext_noop("Trẻ em dưới 16 tuổi không bị suy dinh dưỡng."),
    gettext_noop("Hộ không có người từ đủ 6 tuổi trở lên."),
    gettext_noop("Mọi người từ đủ 6 tuổi trở lên đều có bảo hiểm y tế."),
    gettext_noop("Hộ không có người từ 16 đến 30 tuổi."),
    gettext_noop("Người 16–30 tuổi đều có trình độ phù hợp với tuổi hoặc đang đi học, đào tạo."),
    gettext_noop("Hộ không có trẻ em từ 3 đến dưới 16 tuổi."),
    gettext_noop("Trẻ em từ 3 đến dưới 16 tuổi đều đi học đúng bậc, cấp học."),
    gettext_noop("Hộ không có nhà ở."),
    gettext_noop("Nhà ở có ít nhất 2 trong 3 kết cấu chính (tường, cột, mái) bền chắc."),
    gettext_noop("Chưa ghi vật liệu tường, cột, mái của nhà ở."),
    gettext_noop("Chưa ghi diện tích nhà ở hoặc số nhân khẩu."),
    gettext_noop("Hộ không có ti vi, radio, máy tính, điện thoại."),
    gettext_noop("Chưa ghi các phương tiện tiếp cận thông tin của hộ."),
    gettext_noop("Hộ không tiếp cận được nguồn nước sinh hoạt an toàn."),
    gettext_noop("Hộ dùng nguồn nước sinh hoạt an toàn."),
    gettext_noop("Chưa ghi nguồn nước sinh hoạt."),
    gettext_noop("Hộ không dùng nhà tiêu hợp vệ sinh."),
    gettext_noop("Hộ dùng nhà tiêu hợp vệ sinh."),
    gettext_noop("Chưa ghi loại nhà tiêu."),
    gettext_noop("Không thành viên nào sử dụng internet."),
    gettext_noop("Có thành viên sử dụng internet."),
    gettext_noop("Chưa ghi việc sử dụng internet."),
    gettext_noop("Rác thải sinh hoạt không được thu gom, xử lý đúng quy định."),
    gettext_noop("Rác thải sinh hoạt được thu gom, xử lý."),
    gettext_noop("Chưa ghi việc thu gom, xử lý rác thải."),
    gettext_noop("tường"),
    gettext_noop("cột"),
    gettext_noop("mái"),
    gettext_noop("ti vi"),
    gettext_noop("máy tính"),
    gettext_noop("điện thoại"),
)

pattern(gettext_noop("%(amount)s đồng"))  # poverty.vnd
pattern(gettext_noop("khu vực %(area)s, %(standard)s"), translate=("area", "standard"))
pattern(gettext_noop("Thiếu hụt %(count)s chỉ số: %(names)s (hộ nghèo cần từ %(min)s chỉ số trở lên)."),
        lists={"names": ", "})
pattern(gettext_noop("Thiếu hụt %(count)s chỉ số (hộ nghèo cần từ %(min)s chỉ số trở lên)."))
# an indicator in a list: "1. Việc làm"
pattern(gettext_noop("%(code)s. %(name)s"), translate=("name",), shapes={"code": DIGITS})
pattern(gettext_noop("Thu nhập bình quân %(income)s/người/tháng, không vượt chuẩn nghèo %(line)s (%(where)s)."),
        translate=("income", "line", "where"))
pattern(gettext_noop("Thu nhập bình quân %(income)s/người/tháng, trên chuẩn nghèo %(line)s và không vượt chuẩn cận "
                     "nghèo %(near)s (%(where)s)."), translate=("income", "line", "near", "where"))
pattern(gettext_noop("Thu nhập bình quân %(income)s/người/tháng, vượt chuẩn cận nghèo %(line)s (%(where)s)."),
        translate=("income", "line", "where"))
pattern(gettext_noop("Thu nhập bình quân %(income)s/người/tháng, không vượt chuẩn %(line)s (%(where)s)."),
        translate=("income", "line", "where"))
pattern(gettext_noop("Thu nhập bình quân %(income)s/người/tháng, vượt chuẩn %(line)s (%(where)s)."),
        translate=("income", "line", "where"))
pattern(gettext_noop("Thiếu hụt %(count)s chỉ số nhưng thu nhập trên chuẩn nên không là hộ nghèo, hộ cận nghèo."))
pattern(gettext_noop("Không vượt mức %(line)s của hộ có mức sống trung bình."), translate=("line",))
pattern(gettext_noop("Kết quả: %(category)s."), translate=("category",))
# The derivations (poverty.DERIVATION_RULES): names of people are left as they are.
pattern(gettext_noop("Có người trong độ tuổi lao động thất nghiệp hoặc làm công không có hợp đồng: %(names)s."),
        lists={"names": ", "})
pattern(gettext_noop("Chưa ghi tình trạng việc làm hoặc ngày sinh của: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("%(dependants)s/%(total)s nhân khẩu là người phụ thuộc (trẻ em dưới 16 tuổi, người từ 60 tuổi, "
                     "người khuyết tật hưởng trợ cấp), trên 50 %%."))
pattern(gettext_noop("%(dependants)s/%(total)s nhân khẩu là người phụ thuộc, không quá 50 %%."))
pattern(gettext_noop("Chưa ghi ngày sinh của: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Có trẻ em dưới 16 tuổi suy dinh dưỡng: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Chưa ghi tình trạng dinh dưỡng của trẻ: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Có người từ đủ 6 tuổi trở lên không có bảo hiểm y tế: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Chưa ghi bảo hiểm y tế (hoặc ngày sinh) của: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Có người 16–30 tuổi không đi học, đào tạo và chưa có trình độ phù hợp với tuổi: %(names)s."),
        lists={"names": ", "})
pattern(gettext_noop("Chưa ghi trình độ học vấn, đào tạo (hoặc ngày sinh) của: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Có trẻ em từ 3 đến dưới 16 tuổi không được học đúng bậc, cấp học: %(names)s."),
        lists={"names": ", "})
pattern(gettext_noop("Chưa ghi tình trạng đi học (hoặc ngày sinh) của: %(names)s."), lists={"names": ", "})
pattern(gettext_noop("Nhà thiếu kiên cố: %(parts)s làm bằng vật liệu không bền chắc."), lists={"parts": ", "})
pattern(gettext_noop("Diện tích bình quân %(area)s m² cho %(members)s người = %(per_person)s m²/người, dưới 8 m²."))
pattern(gettext_noop("Diện tích bình quân %(area)s m² cho %(members)s người = %(per_person)s m²/người, từ 8 m² trở lên."))
pattern(gettext_noop("Hộ có phương tiện tiếp cận thông tin: %(devices)s."), lists={"devices": ", "})

# --- households.checks: the findings' titles and details, the jobs' messages ----------------------------------------

pattern(gettext_noop("Hộ %(code)s: %(outs)s lần thoát nghèo, %(ins)s lần vào diện nghèo trong %(years)s năm"))
for label in (gettext_noop("%(year)s: nghèo"), gettext_noop("%(year)s: cận nghèo"), gettext_noop("%(year)s: không nghèo"),
              gettext_noop("%(year)s: có mức sống trung bình")):
    pattern(label, shapes={"year": DIGITS})
pattern(gettext_noop("%(first)s → %(rest)s"), lists={"rest": " → "}, translate=("first",))  # the rotation's path
pattern(gettext_noop("Hộ %(code)s thoát nghèo: thu nhập tăng %(rise)s %%, chỉ số thiếu hụt không đổi (%(count)s chỉ số)"))
pattern(gettext_noop("Thu nhập bình quân %(before)s (%(last_year)s) → %(after)s (%(year)s)."), translate=("before", "after"))
pattern(gettext_noop("%(commune)s: tỷ lệ hộ nghèo giảm %(reduction)s điểm %% trong năm %(year)s"))
pattern(gettext_noop("Tỷ lệ hộ nghèo %(before)s %% (%(last_year)s) → %(after)s %% (%(year)s); %(trend)s; chỉ tiêu "
                     "%(target)s điểm/năm."), translate=("trend",))
pattern(gettext_noop("xu hướng %(trend)s điểm/năm"))
pattern(gettext_noop("Hộ %(code)s ghi là %(label)s nhưng thu nhập %(income)s trên chuẩn %(line)s"),
        translate=("label", "income", "line"))
pattern(gettext_noop("Số định danh %(citizen_id)s có trong %(n)s hộ: %(households)s"))
pattern(gettext_noop("%(name)s (sinh %(born)s) có trong %(n)s hộ: %(households)s"))
pattern(gettext_noop("%(name)s – hộ %(code)s"), shapes={"name": "[^;]+"})
pattern(gettext_noop("%(first)s; %(rest)s"), lists={"rest": "; "}, translate=("first",))  # the duplicates' list
pattern(gettext_noop("Hộ %(code)s (%(label)s năm %(last_year)s) chưa có phiếu rà soát năm %(year)s"), translate=("label",))
FIXED += (
    gettext_noop("chưa có xu hướng"),
    gettext_noop("Kiểm tra lại thu nhập đã nhập, hoặc phân loại lại năm này nếu chuẩn đã được sửa."),
    gettext_noop("Rà soát hộ, hoặc ghi biến động nếu hộ đã chuyển đi, nhập hộ, không còn."),
)
# households.tasks, households.views (the jobs of the review board and the checks), households.jobs
pattern(gettext_noop("Xong: %(n)s phát hiện."))
pattern(gettext_noop("Xong: %(reviews)s kết quả, %(reclassified)s hộ đổi phân loại."))
pattern(gettext_noop("Phân loại lại kết quả rà soát năm %(year)s"))
pattern(gettext_noop("Kiểm tra kết quả rà soát năm %(year)s"))
pattern(gettext_noop("Công việc đã dừng sau %(n)s lần chạy không xong (máy chủ bị ngắt giữa chừng hoặc vượt thời gian "
                     "cho phép). Hãy kiểm tra lại tệp hoặc yêu cầu, chia nhỏ nếu cần, rồi làm lại; nếu vẫn lỗi, báo quản "
                     "trị hệ thống."))

# --- households.imports, households.imports_reviews: the jobs, the preview's problems, changes and notes ------------

FIXED += (
    # outcomes, job messages, progress
    gettext_noop("Thêm mới"), gettext_noop("Cập nhật"), gettext_noop("Không đổi"), gettext_noop("Có lỗi"),
    gettext_noop("Bỏ qua (chưa nhập)"),
    gettext_noop("Đang chờ kiểm tra"), gettext_noop("Đã kiểm tra xong"), gettext_noop("Tệp có lỗi"),
    gettext_noop("Chưa ghi: tệp có lỗi"), gettext_noop("Đang chờ ghi"), gettext_noop("Đã ghi vào sổ hộ"),
    gettext_noop("Đang đối chiếu với sổ hộ"), gettext_noop("Đang so sánh thay đổi"), gettext_noop("Đang ghi vào sổ hộ"),
    gettext_noop("Đã ghi xong"), gettext_noop("Đang kiểm tra từng dòng"), gettext_noop("Đang ghi kết quả rà soát"),
    gettext_noop("Đã ghi kết quả rà soát"),
    # values in the changes
    gettext_noop("(trống)"), gettext_noop("(chưa có tên)"), gettext_noop("có"), gettext_noop("không"),
    gettext_noop("không có"), gettext_noop("người dùng khác"), gettext_noop("xã của bạn"),
    gettext_noop("thiếu hụt"), gettext_noop("không thiếu hụt"),
    # the nouns of the cells' messages
    gettext_noop("Giới tính"), gettext_noop("Quan hệ với chủ hộ"), gettext_noop("Nghề nghiệp chính"),
    gettext_noop("Tổng thu nhập"), gettext_noop("Thu nhập bình quân"), gettext_noop("Hộ không có khả năng lao động"),
    gettext_noop("Hộ có người có công"), gettext_noop("Nguyên nhân nghèo"), gettext_noop("Nhu cầu hỗ trợ"),
    gettext_noop("TCVN3 (phông .VnTime, .VnArial)"), gettext_noop("VNI (phông VNI-Times)"),
    # problems
    gettext_noop("Chưa nhập họ và tên."), gettext_noop("Giới tính phải là Nam hoặc Nữ."),
    gettext_noop("Ngày sinh không được sau ngày hôm nay."), gettext_noop("Chưa nhập mã hộ."),
    gettext_noop("Họ và tên dài quá 120 ký tự."), gettext_noop("Một hộ chỉ có một chủ hộ."),
    gettext_noop("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."),
    gettext_noop("Tệp không có cột “Xã”: hãy chọn xã khi tải tệp lên."),
    gettext_noop("Không tìm thấy dòng tiêu đề có cột “Mã hộ” và cột “Họ và tên” trong 30 dòng đầu của các trang tính. "
                 "Hãy dùng tệp mẫu của hệ thống hoặc đặt tên cột như tệp mẫu."),
    gettext_noop("Không ghi được vì dữ liệu vừa bị thay đổi cùng lúc (trùng mã hộ hoặc số định danh). Chưa có dòng nào "
                 "được ghi; hãy xem trước lại tệp."),
    gettext_noop("Không tìm thấy dòng tiêu đề có cột “Mã hộ” và cột thu nhập hoặc các chỉ số thiếu hụt trong 30 dòng đầu "
                 "của các trang tính. Hãy dùng tệp mẫu kết quả rà soát của hệ thống (tệp danh sách hộ và nhân khẩu nhập ở "
                 "trang Nhập hộ gia đình)."),
    gettext_noop("Tệp không có cột thu nhập: hộ đã có kết quả giữ thu nhập đã ghi; hộ chưa có kết quả sẽ báo lỗi."),
    gettext_noop("Dòng chưa nhập kết quả rà soát: bỏ qua."), gettext_noop("Dòng để trống: giữ nguyên kết quả đã ghi."),
    gettext_noop("Ngày rà soát không được sau ngày hôm nay."), gettext_noop("Hộ phải có ít nhất một nhân khẩu."),
    gettext_noop("Tổng thu nhập không được âm."), gettext_noop("Thu nhập bình quân không được âm."),
    gettext_noop("Chưa nhập thu nhập của hộ."), gettext_noop("Thu nhập bình quân quá lớn."),
    # households.services, households.models: the registry's own rules
    gettext_noop("Số định danh cá nhân phải gồm đúng 12 chữ số."),
    # households.excel_io: files that cannot be read
    gettext_noop("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel đã lưu."),
    gettext_noop("Tệp Excel bị hỏng, không mở được. Hãy mở tệp bằng Excel, lưu lại rồi tải lên lần nữa."),
    gettext_noop("Đây là tệp Word (.docx), không phải bảng tính. Hãy tải lên tệp Excel (.xlsx hoặc .xls)."),
    gettext_noop("Tệp nén này không phải bảng tính Excel. Hãy tải lên tệp .xlsx hoặc .xls."),
    gettext_noop("Tệp Excel đang được đặt mật khẩu nên hệ thống không đọc được. Hãy mở tệp bằng Excel, bỏ mật khẩu "
                 "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi tải lên."),
    gettext_noop("Đây là tệp Word (.doc), không phải bảng tính. Hãy tải lên tệp Excel (.xlsx hoặc .xls)."),
    gettext_noop("Đây là tệp PDF, không phải bảng tính. Hãy tải lên tệp Excel (.xlsx hoặc .xls)."),
    gettext_noop("Hệ thống nhận tệp Excel (.xlsx, .xls). Hãy mở tệp CSV bằng Excel và lưu thành .xlsx."),
    gettext_noop("Tệp không phải bảng tính Excel. Hãy tải lên tệp .xlsx hoặc .xls (có thể tải mẫu ở trang này)."),
    gettext_noop("Tệp Excel đang được đặt mật khẩu nên hệ thống không đọc được. Hãy bỏ mật khẩu rồi tải lên lại."),
    gettext_noop("Tệp không có trang tính nào đang hiển thị."),
)
# progress
pattern(gettext_noop("Đang đọc dòng %(row)s"))
pattern(gettext_noop("Đang kiểm tra dòng %(row)s"))
pattern(gettext_noop("Đang ghi kết quả rà soát (%(done)s/%(total)s)"))
pattern(gettext_noop("Lỗi khi xử lý tệp (%(error)s). Chưa có dòng nào được ghi; hãy thử lại hoặc báo quản trị hệ thống."))
# the whole file
pattern(gettext_noop("Bạn không được nhập dữ liệu cho %(commune)s."))
pattern(gettext_noop("Năm rà soát %(year)s không hợp lệ: chọn từ %(first)s đến %(last)s."))
pattern(gettext_noop("Tệp này là mẫu kết quả rà soát năm %(marked)s, nhưng bạn chọn năm %(year)s. Hãy chọn đúng năm rà "
                     "soát, hoặc tải tệp mẫu năm %(year)s."))
pattern(gettext_noop("Đã chuyển %(count)s ô chữ gõ bằng mã %(encoding)s sang Unicode (ví dụ “%(before)s” → "
                     "“%(after)s”)."), translate=("encoding",))
pattern(gettext_noop("Đã chuẩn hóa %(count)s ô chữ Unicode tổ hợp (NFD) sang dạng dựng sẵn (NFC)."))
pattern(gettext_noop("Một số ô có ký tự lạ, không nhận ra bảng mã: %(cells)s. Hãy kiểm tra lại các ô này."))
pattern(gettext_noop("Các cột không dùng khi nhập: %(columns)s."))
pattern(gettext_noop("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB."))
pattern(gettext_noop("Tệp Excel khi giải nén lớn %(size)s MB, vượt giới hạn %(limit)s MB. Hãy chia danh sách thành nhiều "
                     "tệp nhỏ hơn."))
pattern(gettext_noop("Trang tính có dữ liệu đến dòng %(rows)s, vượt giới hạn %(limit)s dòng. Hãy xóa các dòng thừa ở "
                     "cuối trang (hoặc chia thành nhiều tệp) rồi tải lên lại."))
pattern(gettext_noop("Trang tính có dữ liệu đến cột thứ %(columns)s, vượt giới hạn %(limit)s cột. Hãy xóa các cột thừa "
                     "bên phải rồi tải lên lại."))
pattern(gettext_noop("Vùng dữ liệu của trang tính (%(rows)s dòng × %(columns)s cột) vượt giới hạn %(limit)s ô. Hãy xóa "
                     "các dòng, cột thừa rồi tải lên lại."))
pattern(gettext_noop("Tệp Excel bị hỏng hoặc không đúng định dạng, không đọc được. Hãy mở tệp bằng Excel, lưu lại (Lưu "
                     "thành → Sổ làm việc Excel .xlsx) rồi tải lên lần nữa. (Chi tiết: %(error)s)"))
# cells (households.excel_io, households.resources, households.imports_reviews)
pattern(gettext_noop("“%(value)s” không phải ngày sinh (ghi dd/mm/yyyy hoặc chỉ năm sinh)."))
pattern(gettext_noop("Ngày “%(value)s” không có thật (ghi theo dạng ngày/tháng/năm, ví dụ 17/05/1985)."))
pattern(gettext_noop("“%(value)s” không phải ngày sinh (ghi dd/mm/yyyy, ví dụ 17/05/1985, hoặc chỉ năm sinh)."))
pattern(gettext_noop("%(noun)s “%(value)s” không có trong danh sách (%(options)s)."), translate=("noun",),
        lists={"options": ", "})
pattern(gettext_noop("Dân tộc “%(value)s” không có trong danh mục 54 dân tộc."))
pattern(gettext_noop("%(noun)s: “%(value)s” không hợp lệ; ghi Có (hoặc x) hoặc Không (hoặc để trống)."),
        translate=("noun",))
pattern(gettext_noop("Chỉ số %(code)s"), shapes={"code": TOKEN})
pattern(gettext_noop("%(noun)s “%(value)s” không phải số tiền."), translate=("noun",))
pattern(gettext_noop("%(noun)s “%(value)s” không phải số tiền (ghi số đồng, ví dụ 18.000.000)."), translate=("noun",))
pattern(gettext_noop("Số nhân khẩu “%(value)s” phải là một số nguyên."))
pattern(gettext_noop("“%(value)s” không phải ngày (ghi ngày/tháng/năm, ví dụ 02/10/2025)."))
pattern(gettext_noop("“%(value)s”: ghi đủ ngày/tháng/năm rà soát, ví dụ 02/10/2025."))
pattern(gettext_noop("%(noun)s “%(value)s” không có trong danh sách (trang “Danh mục” của tệp mẫu)."), translate=("noun",))
pattern(gettext_noop("Mã hộ «%(code)s» không hợp lệ: chỉ gồm chữ cái không dấu, chữ số và dấu «-», «.», «/» (không có "
                     "khoảng trắng), tối đa 32 ký tự, ví dụ 02545-06-000184 (mã thôn và số thứ tự của hộ trong thôn)."))
pattern(gettext_noop("Số điện thoại «%(phone)s» không hợp lệ: chỉ gồm chữ số (có thể có dấu +, khoảng trắng, dấu chấm), "
                     "từ 9 đến 12 chữ số, ví dụ 0912 345 678."))
pattern(gettext_noop("Dài quá %(limit)s ký tự."))
# rows and households (households.imports)
pattern(gettext_noop("Mã hộ %(code)s lặp lại: đã có ở dòng %(row)s. Các nhân khẩu của một hộ phải ghi liền nhau; hai hộ "
                     "khác nhau không được trùng mã."))
pattern(gettext_noop("Khác với dòng %(row)s của cùng hộ %(code)s (“%(value)s”)."))
pattern(gettext_noop("Số định danh %(citizen_id)s bị nhập hai lần trong hộ."))
pattern(gettext_noop("Số định danh %(citizen_id)s đã ghi ở dòng %(row)s (hộ %(code)s)."))
pattern(gettext_noop("Không có xã “%(name)s” trong các xã bạn được nhập dữ liệu."))
pattern(gettext_noop("%(commune)s có %(n)s thôn, tổ dân phố tên “%(name)s”: ghi rõ %(choices)s."),
        lists={"choices": gettext_noop(" hoặc ")})
pattern(gettext_noop("Không có thôn, tổ dân phố “%(name)s” ở %(commune)s."))
pattern(gettext_noop("“%(value)s” không có trong danh sách nghề nghiệp chính (%(options)s)."), lists={"options": ", "})
pattern(gettext_noop("Mã hộ %(code)s đã có trong hệ thống."))
pattern(gettext_noop("Hộ %(code)s đang thuộc %(current)s, không phải %(chosen)s. Chuyển hộ sang xã khác làm ở trang sửa hộ."))
pattern(gettext_noop("%(message)s Hãy xem trước lại tệp."), translate=("message",))
pattern(gettext_noop("Hộ %(code)s vừa bị xóa hoặc đổi mã sau khi xem trước."))
pattern(gettext_noop("Hộ %(code)s vừa được người khác thêm vào sổ sau khi bạn xem trước."))
pattern(gettext_noop("Hộ %(code)s"), shapes={"code": TOKEN})
# the registry's rules (households.services), as an import reports them
pattern(gettext_noop("Số định danh %(value)s đã có trong sổ hộ, là của một nhân khẩu khác. Kiểm tra lại số; nếu đúng là "
                     "người này đã chuyển đến từ hộ khác, ghi việc rời hộ ở hộ cũ trước (cán bộ huyện tra được số đang ở "
                     "hộ nào)."))
pattern(gettext_noop("%(unit)s không phải là xã, thị trấn đang có hiệu lực."))
pattern(gettext_noop("%(village)s không phải là thôn, tổ dân phố."))
pattern(gettext_noop("%(village)s không thuộc %(commune)s."))
pattern(gettext_noop("%(noun)s đã được %(who)s sửa lúc %(time)s ngày %(date)s sau khi bạn mở. Tải lại trang để xem thay "
                     "đổi, rồi nhập lại phần của bạn."), translate=("noun", "who"))
pattern(gettext_noop("%(noun)s đã được %(who)s sửa sau khi bạn mở. Tải lại trang để xem thay đổi, rồi nhập lại phần của "
                     "bạn."), translate=("noun", "who"))
pattern(gettext_noop("%(noun)s đã được %(who)s sửa lúc %(time)s ngày %(date)s sau khi bạn xem trước tệp. Tải lại trang để "
                     "xem thay đổi, rồi nhập lại phần của bạn."), translate=("noun", "who"))
pattern(gettext_noop("%(noun)s đã được %(who)s sửa sau khi bạn xem trước tệp. Tải lại trang để xem thay đổi, rồi nhập lại "
                     "phần của bạn."), translate=("noun", "who"))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s"))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s đã được Chủ tịch UBND xã công nhận: muốn sửa, Phòng "
                     "Lao động - TB&XH huyện phải mở lại kết quả và ghi lý do."))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s đã được Chủ tịch UBND xã công nhận (quyết định số "
                     "%(decision)s): muốn sửa, Phòng Lao động - TB&XH huyện phải mở lại kết quả và ghi lý do."))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s đã được họp thôn thống nhất: chỉ sửa khi phúc tra một "
                     "khiếu nại, phản ánh (ghi nhận khiếu nại trước khi sửa)."))
# the review results' rows (households.imports_reviews)
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s đã gửi họp thôn (trạng thái “%(state)s”): không nhập "
                     "đè từ Excel. Muốn sửa, trả về bước “Đang rà soát” trên bảng rà soát rồi nhập lại."),
        translate=("state",))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s đã được họp thôn thống nhất (trạng thái “%(state)s”): "
                     "không nhập đè từ Excel; chỉ sửa từng hộ khi phúc tra khiếu nại, phản ánh."), translate=("state",))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s đang ở trạng thái “%(state)s”: không nhập đè từ Excel."),
        translate=("state",))
pattern(gettext_noop("Kết quả rà soát năm %(year)s của hộ %(code)s vừa bị xóa sau khi bạn xem trước tệp."))
pattern(gettext_noop("Hộ %(code)s đã có ở dòng %(row)s của tệp: mỗi hộ chỉ ghi một dòng."))
pattern(gettext_noop("Không có hộ mã %(code)s trong sổ hộ."))
pattern(gettext_noop("Hộ %(code)s không thuộc phạm vi của bạn: chỉ nhập kết quả rà soát cho hộ của %(communes)s."),
        translate=("communes",))
pattern(gettext_noop("Hộ %(code)s thuộc %(commune)s, không thuộc %(chosen)s đã chọn khi tải tệp lên."))
pattern(gettext_noop("Ngày rà soát phải thuộc năm %(year)s."))
pattern(gettext_noop("Ngày rà soát %(date)s hộ thuộc %(commune)s, ngoài phạm vi của bạn."))
pattern(gettext_noop("Số nhân khẩu %(members)s không hợp lý (quá %(max)s người)."))
pattern(gettext_noop("Thu nhập bình quân %(month)s khác với tổng thu nhập ÷ số nhân khẩu ÷ 12 tháng = %(computed)s. Sửa "
                     "một trong hai ô, hoặc để trống ô thu nhập bình quân."), translate=("month", "computed"))
pattern(gettext_noop("Chỉ số %(code)s (%(name)s): theo thông tin hộ là «%(value)s» (%(explanation)s) Muốn ghi khác phải nêu "
                     "lý do."), translate=("name", "value", "explanation"))
pattern(gettext_noop("%(label)s (thiếu hụt %(count)s chỉ số%(listed)s; thu nhập %(income)s/người/tháng, chuẩn %(area)s "
                     "%(line)s) – %(change)s"), translate=("label", "income", "area", "line", "change"),
        shapes={"area": "nông thôn|thành thị"})
pattern(gettext_noop("Lưu ý: chủ hộ trong tệp “%(in_file)s” khác sổ hộ “%(registry)s”: kiểm tra lại mã hộ."))
pattern(gettext_noop("Thêm kết quả rà soát năm %(year)s"))
pattern(gettext_noop("Phân loại: %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("Ngày rà soát %(before)s → %(after)s"))
pattern(gettext_noop("Số nhân khẩu %(before)s → %(after)s"))
pattern(gettext_noop("Tổng thu nhập 12 tháng %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("Thu nhập bình quân %(before)s → %(after)s/người/tháng"), translate=("before", "after"))
pattern(gettext_noop("Chỉ số thiếu hụt: %(parts)s"), lists={"parts": "; "})
pattern(gettext_noop("thêm %(codes)s"))
pattern(gettext_noop("bỏ %(codes)s"))
pattern(gettext_noop("Nguyên nhân nghèo: %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("Nhu cầu hỗ trợ: %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("Hộ không có khả năng lao động: %(value)s"), translate=("value",))
pattern(gettext_noop("Hộ có người có công: %(value)s"), translate=("value",))
pattern(gettext_noop("Ghi chú “%(before)s” → “%(after)s”"))
# the changes of the households' rows (households.imports: _match_members, _decide)
pattern(gettext_noop("Thêm nhân khẩu %(name)s"), translate=("name",))
pattern(gettext_noop("Sửa %(name)s: %(changes)s"), lists={"changes": "; "})
pattern(gettext_noop("họ và tên %(before)s → %(after)s"))
pattern(gettext_noop("giới tính %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("ngày sinh %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("chỉ biết năm sinh %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("số định danh %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("dân tộc %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("quan hệ với chủ hộ %(before)s → %(after)s"), translate=("before", "after"))
pattern(gettext_noop("Thêm hộ mới với %(n)s nhân khẩu"))
pattern(gettext_noop("thôn → %(village)s"), translate=("village",))
pattern(gettext_noop("địa chỉ “%(before)s” → “%(after)s”"))
pattern(gettext_noop("điện thoại “%(before)s” → “%(after)s”"))
pattern(gettext_noop("nghề nghiệp chính “%(before)s” → “%(after)s”"), translate=("before", "after"))
pattern(gettext_noop("chủ hộ “%(before)s” → “%(after)s”"))
pattern(gettext_noop("Sửa hộ: %(changes)s"), lists={"changes": "; "})
pattern(gettext_noop("Bỏ nhân khẩu %(name)s (không còn trong tệp)"))

# households.models.AdministrativeUnit.label: a unit that has ended, in lists that mix old and new units.
pattern(gettext_noop("%(name)s (đến %(date)s)"), shapes={"date": r"\d\d/\d\d/\d{4}"})
