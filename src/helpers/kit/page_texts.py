"""The pages' headings and explanations, one language at a time (pages 00 to 06).

Each key holds the Markdown a page shows in Vietnamese and in English; notebooks keep their
structure and take their text from here (their bilingual title cell is for JupyterLab only).
"""

PAGE_TEXTS = {'00.title': {'vi': '# Báo cáo tháng cho quản lý\n'
                    '> Khách hàng của tháng trong một trang, và những việc cần làm; '
                    'chi tiết ở các trang 01–06.',
              'en': '# Monthly review for managers\n'
                    "> This month's customers on one page, and what to do; details in pages 01–06."},
 '01.title': {'vi': '# Phân nhóm khách hàng RFM\n'
                    '> Mỗi khách đang ở nhóm nào tính đến ngày phân tích, mỗi nhóm lớn cỡ nào, và '
                    'nên chăm sóc ra sao.',
              'en': '# RFM segments\n'
                    '> Which segment each customer is in as of the run date, how big each segment '
                    'is, and whom to contact.'},
 '01.1': {'vi': '## Khách hàng của bạn hôm nay', 'en': '## Your customers today'},
 '01.2': {'vi': '## Mỗi nhóm lớn cỡ nào?', 'en': '## How big is each segment?'},
 '01.3': {'vi': '## Lưới R × FM\n'
                'Hàng: điểm gần đây R (5 = mua gần nhất); cột: điểm FM, trung bình làm tròn của '
                'tần suất và chi tiêu.',
          'en': '## The R × FM grid\n'
                'Rows: recency score R (5 = most recent); columns: FM, the rounded mean of '
                'frequency and spend scores.'},
 '01.4': {'vi': '## Mỗi điểm nghĩa là gì?', 'en': '## What each score stands for'},
 '01.5': {'vi': '## Phân bố R, F, M', 'en': '## How R, F and M are spread'},
 '01.6': {'vi': '## Doanh thu tập trung ở đâu?', 'en': '## Where the revenue comes from'},
 '01.7': {'vi': '## Danh sách gửi cho công cụ chiến dịch\n'
                'Khách không đồng ý nhận tin qua một kênh bị loại khỏi danh sách gửi của kênh đó.',
          'en': '## Lists for the campaign tools\n'
                "Customers without consent for a channel are left out of that channel's send "
                'list.'},
 '02.title': {'vi': '# Khách chuyển nhóm giữa hai kỳ\n'
                    '> Ai đã lên nhóm, ai đã tụt nhóm, và ai cần được giành lại ngay bây giờ.',
              'en': '# Segment migration\n'
                    '> Who moved where between two dates, and who must be won back now.'},
 '02.1': {'vi': '## Khách đã di chuyển thế nào?', 'en': '## How did customers move?'},
 '02.2': {'vi': '## Ai cần được chăm sóc ngay?\n'
                'Mỗi danh sách gồm những khách vừa chuyển từ một nhóm sang một nhóm khác.',
          'en': '## Who needs care now?\n'
                'Each list holds the customers who just moved from one set of segments to another.'},
 '02.3': {'vi': '## Các nhóm thay đổi ra sao trong 12 tháng?',
          'en': '## How have the segments changed over 12 months?'},
 '03.title': {'vi': '# Doanh thu theo nhóm khách và thời điểm mua lại\n'
                    '> Mỗi nhóm khách mua lần đầu cùng tháng tiếp tục mua ra sao theo từng tháng, '
                    'và ai nên được liên hệ ngay bây giờ vì vừa mua 7, 14 hay 28 ngày trước.',
              'en': '# Cohort revenue and repurchase windows\n'
                    '> How each intake of customers keeps buying month after month, and whom to '
                    'contact now because they bought 7, 14 or 28 days ago.'},
 '03.1': {'vi': '## Khách mới có quay lại không?', 'en': '## Do new customers come back?'},
 '03.2': {'vi': '## Mỗi nhóm khách mua lần đầu cùng tháng mang lại bao nhiêu doanh thu?',
          'en': '## How much revenue does each intake bring?'},
 '03.3': {'vi': '## Khi nào khách mua lần hai?\n'
                'Khoảng cách giữa lần mua đầu và lần hai cho biết nên chọn cửa sổ 7, 14 hay 28 '
                'ngày.',
          'en': '## When do customers buy a second time?\n'
                'The gap between first and second purchase tells a shop which windows to use.'},
 '03.4': {'vi': '## Ai nên được liên hệ bây giờ?\n'
                'Khách có lần mua cuối cách đây 1–7, 8–14 và 15–28 ngày, tách khách mua một lần và '
                'khách mua nhiều lần.',
          'en': '## Whom to contact now\n'
                'Customers whose last purchase was 1–7, 8–14 and 15–28 days ago, one-time and '
                'repeat buyers apart.'},
 '04.title': {'vi': '# Hạng thành viên\n'
                    '> Ai đang ở hạng nào theo chi tiêu, ai sắp lên hạng, ai vừa lên hay xuống '
                    'hạng, và ai có sinh nhật tháng tới.',
              'en': '# Loyalty tiers\n'
                    '> Who is in which tier by spend, who is close to the next one, who moved up '
                    'or down, and whose birthday is next month.'},
 '04.1': {'vi': '## Khách ở hạng nào?', 'en': '## Who is in which tier?'},
 '04.2': {'vi': '## Ai lên hạng, ai xuống hạng?', 'en': '## Who moved up or down?'},
 '04.3': {'vi': '## Ai sắp lên hạng?', 'en': '## Who is close to the next tier?'},
 '04.4': {'vi': '## Danh sách chăm sóc\n'
                'Sắp lên hạng, vừa lên hạng, vừa xuống hạng, sinh nhật tháng tới, và sẽ bị hạ hạng '
                'ở kỳ xét hạng tới.',
          'en': '## Lists to act on\n'
                'Close to the next tier, upgraded, downgraded, birthdays next month, and those who '
                'will drop at the next re-ranking.'},
 '05.title': {'vi': '# Kết quả chiến dịch chăm sóc\n'
                    '> Mỗi chiến dịch thực sự đã tạo ra bao nhiêu khách mua thêm, so với nhóm đối '
                    'chứng không được liên hệ.',
              'en': '# Campaign results against a holdout\n'
                    '> What each care campaign really caused, compared with a holdout that was not '
                    'contacted.'},
 '05.1': {'vi': '## Chiến dịch nào thực sự hiệu quả?\n'
                'Nhóm nhận tin là tất cả khách trong danh sách gửi, kể cả tin gửi lỗi '
                '(intention-to-treat); nhóm đối chứng không được liên hệ.',
          'en': '## Which campaigns really worked?\n'
                'The treated group is everyone on the send list, delivered or not (intention to '
                'treat); the holdout was not contacted.'},
 '05.2': {'vi': '## Theo từng nhóm khách\n'
                'Chỉ các nhóm có ít nhất 30 khách ở cả nhóm nhận tin và nhóm đối chứng; chi tiết '
                'đầy đủ trong `campaign_results.csv`.',
          'en': '## By segment\n'
                'Only segments with at least 30 customers in both groups; every row is in '
                '`campaign_results.csv`.'},
 '05.3': {'vi': '## Tin nhắn có đến được khách không?', 'en': '## Did the messages arrive?'},
 '05.4': {'vi': '## Chuẩn bị chiến dịch tiếp theo', 'en': '## Preparing the next campaign'},
 '06.title': {'vi': '# Khách còn mua không, và đáng giá bao nhiêu\n'
                    '> Ai vẫn còn là khách, mỗi người sẽ mua bao nhiêu lần và mang lại bao nhiêu '
                    'trong thời gian tới.',
              'en': '# Who is still a customer, and what each is worth\n'
                    '> Who is still a customer, and how often each will buy and how much each '
                    'will bring in the coming months.'},
 '06.1': {'vi': '## Ai vẫn còn là khách?\n'
                'Mô hình {model} ước tính khả năng mỗi khách vẫn còn mua, từ nhịp mua của chính '
                'họ; Gamma-Gamma ước tính mỗi lần mua đáng bao nhiêu.',
          'en': '## Who is still a customer?\n'
                'The {model} model estimates the chance each customer still buys, from their own '
                'rhythm; Gamma-Gamma estimates what each purchase is worth.'},
 '06.1.bg_nbd': {'vi': 'BG/NBD (Fader, Hardie & Lee 2005) coi khách mới mua một lần vẫn là khách '
                       '(P(alive) = 1), dù lần mua đó đã lâu: theo mô hình này, khách chỉ rời đi '
                       'sau một lần mua lại. Đặt `value_model: mbg_nbd` để khách có thể rời đi '
                       'ngay sau lần mua đầu.',
                 'en': 'The BG/NBD (Fader, Hardie & Lee 2005) counts a customer who bought once '
                       'as still a customer (P(alive) = 1), however long ago: in it a customer '
                       'leaves only after a repeat purchase. Set `value_model: mbg_nbd` to let a '
                       'customer leave after the first purchase.'},
 '06.1.mbg_nbd': {'vi': 'Với MBG/NBD (Batislam và cộng sự 2007), khách có thể rời đi sau bất kỳ '
                        'lần mua nào, kể cả lần đầu.',
                  'en': 'In the MBG/NBD (Batislam et al. 2007) a customer may leave after any '
                        'purchase, the first included.'},
 '06.2': {'vi': '## Nhóm nào sẽ mang lại doanh thu?', 'en': '## Which segments will bring revenue?'},
 '06.3': {'vi': '## Vì sao không dùng một mốc 30 hay 45 ngày cho mọi khách?\n'
                'Khách quen mua mỗi tuần mà vắng 45 ngày có lẽ đã bỏ đi; khách mua mỗi quý thì '
                'chưa chắc.',
          'en': '## Why not one 30- or 45-day rule for everyone?\n'
                'A weekly buyer gone for 45 days has probably left; a customer who buys every '
                'three months may not have.'},
 '06.4': {'vi': '## Mô hình dự báo có đúng không?\n'
                'Mô hình được ước tính lại trên dữ liệu trước kỳ kiểm tra, rồi so số lần mua dự '
                'báo với số lần mua thực tế trong kỳ đó.',
          'en': '## Does the model predict well?\n'
                'The model is fitted again on the history before a check period, and its '
                'predicted purchases are set against the actual ones in that period.'}}
