<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AssessmentPanel</name>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="43" />
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="44" />
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="45" />
        <source>Due within 3 days</source>
        <translation>3天内到期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="46" />
        <source>Red-card supervision</source>
        <translation>红牌督办</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="47" />
        <source>Matching the filter</source>
        <translation>符合筛选</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="53" />
        <source>Search case no., title or summary…</source>
        <translation>搜索案件编号、名称或摘要…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="56" />
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="60" />
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="64" />
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="65" />
        <source>Overdue only</source>
        <translation>仅看超期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="83" />
        <source>Case flow</source>
        <translation>案件流转</translation>
    </message>
</context>
<context>
    <name>CaseLedgerModel</name>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="54" />
        <source>Case No.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="55" />
        <source>Title</source>
        <translation>事件名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="56" />
        <source>Category</source>
        <translation>事件类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="57" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="58" />
        <source>Deadline</source>
        <translation>化解时限</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="59" />
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="60" />
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="61" />
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="62" />
        <source>Responsible unit</source>
        <translation>责任单位</translation>
    </message>
</context>
<context>
    <name>IntakePanel</name>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="50" />
        <source>Ticket</source>
        <translation>排队号</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="51" />
        <source>Caller</source>
        <translation>来访人</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="52" />
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="54" />
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="55" />
        <source> · vulnerable</source>
        <translation> · 弱势群体</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="58" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="59" />
        <source>Waited</source>
        <translation>已等待</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="60" />
        <source>Officer</source>
        <translation>接访员</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="76" />
        <source>Queued at</source>
        <translation>排队时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="86" />
        <source>Waiting</source>
        <translation>排队人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="87" />
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="88" />
        <source>Answered today</source>
        <translation>今日接听</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="89" />
        <source>Service level (60 s)</source>
        <translation>服务水平（60秒）</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="90" />
        <source>Abandoned today</source>
        <translation>今日放弃</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="103" />
        <source>Call queue (priority first, then longest waiting)</source>
        <translation>排队队列（优先级优先，其次等待最久）</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="108" />
        <source>Call history</source>
        <translation>来电记录</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="48" />
        <source>Four-in-One Video Command Console</source>
        <translation>四频合一视频指挥台</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="140" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="147" />
        <source>Role layout</source>
        <translation>角色布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="152" />
        <source>Detach screen to monitor</source>
        <translation>将屏幕移至显示器</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="155" />
        <source>Monitor %1</source>
        <translation>显示器 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="159" />
        <source>Big-screen mode</source>
        <translation>大屏模式</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="163" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="171" />
        <source>Duty officer</source>
        <translation>值班员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="172" />
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="173" />
        <source>Supervisor</source>
        <translation>督导</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="174" />
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="182" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="183" />
        <source>The language changes the next time the console starts.</source>
        <translation>界面语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="190" />
        <location filename="../../console/ui/main_window.py" line="198" />
        <source>Sync: live</source>
        <translation>同步：正常</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="198" />
        <source>Sync: reconnecting</source>
        <translation>同步：重连中</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="202" />
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="209" />
        <source>UI lag %1 ms</source>
        <translation>界面延迟 %1 毫秒</translation>
    </message>
</context>
<context>
    <name>MediationPanel</name>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="46" />
        <source>Room</source>
        <translation>调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="47" />
        <source>Case No.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="48" />
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="50" />
        <location filename="../../console/ui/mediation/panel.py" line="82" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="55" />
        <location filename="../../console/ui/mediation/panel.py" line="83" />
        <source>Scheduled</source>
        <translation>预约时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="57" />
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="59" />
        <source>Media</source>
        <translation>媒体方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="60" />
        <source>Mesh</source>
        <translation>点对点</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="81" />
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="84" />
        <source>Participants</source>
        <translation>参会人员</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="90" />
        <source>Mediation rooms</source>
        <translation>调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="130" />
        <source>consents to recording</source>
        <translation>同意录像</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <location filename="../../console/app.py" line="94" />
        <source>Video petition intake</source>
        <translation>视频接访</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="96" />
        <source>Video mediation</source>
        <translation>视频调解</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="98" />
        <source>Video surveillance</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="100" />
        <source>Case assessment</source>
        <translation>视频研判</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../console/ui/sign_in_dialog.py" line="28" />
        <source>Sign in — Four-in-One Video Command Console</source>
        <translation>登录 — 四频合一视频指挥台</translation>
    </message>
    <message>
        <location filename="../../console/ui/sign_in_dialog.py" line="37" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../console/ui/sign_in_dialog.py" line="38" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="133" />
        <source>Empty — double-click a camera</source>
        <translation>空闲 — 双击点位播放</translation>
    </message>
</context>
<context>
    <name>WallPanel</name>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="62" />
        <source>Search name, code, address or pinyin initials</source>
        <translation>搜索名称、编码、地址或拼音首字母</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="72" />
        <source>Cameras by region and grid</source>
        <translation>按区域与网格的监控点位</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/wall/panel.py" line="81" />
        <source>%n tile(s)</source>
        <translation>
            <numerusform>%n 画面</numerusform></translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="174" />
        <source>%1: no video stream configured</source>
        <translation>%1：未配置视频流</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="192" />
        <source>Sensitive camera</source>
        <translation>敏感点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="193" />
        <source>“%1” is a sensitive location. State the reason for viewing:</source>
        <translation>“%1”为敏感点位，请填写查看事由：</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="220" />
        <source>No camera matches</source>
        <translation>没有匹配的点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="243" />
        <source>last frame %1 s ago</source>
        <translation>最后画面 %1 秒前</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="247" />
        <source>Live: %1 / %2</source>
        <translation>在线画面：%1 / %2</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="251" />
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="252" />
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="253" />
        <source>Stale</source>
        <translation>画面停滞</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="254" />
        <source>Frozen</source>
        <translation>画面冻结</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="255" />
        <source>Reconnecting</source>
        <translation>重连中</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="256" />
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="257" />
        <source>Access denied</source>
        <translation>拒绝访问</translation>
    </message>
</context>
</TS>