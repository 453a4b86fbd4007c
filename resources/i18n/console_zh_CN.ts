<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionDialog</name>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="108" />
        <source>Channel</source>
        <translation>分流渠道</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="112" />
        <source>Assisting unit</source>
        <translation>协办单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="114" />
        <source>Responsible unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="126" />
        <source>Deadline</source>
        <translation>化解时限</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="130" />
        <source>Supervision level</source>
        <translation>督办等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="134" />
        <source>Resolved</source>
        <translation>已化解</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="134" />
        <source>Not resolved</source>
        <translation>未化解</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="136" />
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="139" />
        <source>How the dispute was handled and ended</source>
        <translation>纠纷的处理经过和结果</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="141" />
        <source>Result account</source>
        <translation>化解情况说明</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="144" />
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="162" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="177" />
        <source>Opinion (optional)</source>
        <translation>意见（可选）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="179" />
        <source>Reason (required)</source>
        <translation>理由（必填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="181" />
        <source>What was done (required)</source>
        <translation>办理情况（必填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="182" />
        <source>Opinion (required)</source>
        <translation>意见（必填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="186" />
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
</context>
<context>
    <name>AgreementEditor</name>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="89" />
        <source>Side</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="90" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="91" />
        <source>ID type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="92" />
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="93" />
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="94" />
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="118" />
        <source>Committee</source>
        <translation>调解委员会</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="119" />
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="120" />
        <source>Mediators</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="122" />
        <source>Add party</source>
        <translation>添加当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="124" />
        <source>Remove party</source>
        <translation>删除当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="127" />
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="130" />
        <source>Facts of the dispute</source>
        <translation>纠纷事实</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="131" />
        <source>Disputed matters</source>
        <translation>争议事项</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="132" />
        <source>Responsibilities</source>
        <translation>各方责任</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="133" />
        <source>Agreed terms</source>
        <translation>协议内容</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="138" />
        <source>Manner of performance</source>
        <translation>履行方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="139" />
        <source>Place of performance</source>
        <translation>履行地点</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="140" />
        <source>Performance deadline</source>
        <translation>履行期限</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="141" />
        <source>Copies</source>
        <translation>份数</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="143" />
        <source>Signatures</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="152" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="153" />
        <source>Sign as mediator</source>
        <translation>调解员签名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="155" />
        <source>Party signs here</source>
        <translation>当事人现场签名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="157" />
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="159" />
        <source>Mediation succeeded</source>
        <translation>调解成功</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="162" />
        <location filename="../../console/ui/mediation/agreement_editor.py" line="432" />
        <source>Mediation failed</source>
        <translation>调解不成</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="203" />
        <source>People's mediation agreement %1</source>
        <translation>人民调解协议书 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="249" />
        <source>State: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="252" />
        <source>Judicial confirmation by %1</source>
        <translation>司法确认期限：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="258" />
        <source>Follow-up visits: %1</source>
        <translation>回访：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/mediation/agreement_editor.py" line="265" />
        <source>Signed by %n person(s): the agreement can no longer be edited.</source>
        <translation>
            <numerusform>已有 %n 人签名，协议书不能再修改。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="270" />
        <source>This agreement is closed to editing.</source>
        <translation>本协议书已不可编辑。</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="364" />
        <source>Mediator's signature</source>
        <translation>调解员签名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="378" />
        <source>Party's signature</source>
        <translation>当事人签名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="405" />
        <source>Export agreement</source>
        <translation>导出协议书</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="414" />
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="432" />
        <source>Refer the dispute to</source>
        <translation>纠纷转由以下途径处理</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/agreement_editor.py" line="452" />
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
</context>
<context>
    <name>AlertList</name>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="39" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="41" />
        <source>Camera</source>
        <translation>监控点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="43" />
        <source>Alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="50" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="51" />
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="51" />
        <source>New</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="69" />
        <source>Acknowledge</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/alert_list.py" line="71" />
        <source>Show on wall</source>
        <translation>上墙查看</translation>
    </message>
</context>
<context>
    <name>AssessmentPanel</name>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="64" />
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="65" />
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="66" />
        <source>Map</source>
        <translation>挂图作战</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="67" />
        <source>Statistics</source>
        <translation>统计分析</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="68" />
        <source>Walkthrough…</source>
        <translation>研判会演示…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/panel.py" line="71" />
        <source>Full screen on a chosen monitor: the selected cases, their grids and the charts, one after another</source>
        <translation>在选定的显示器上全屏轮播：所选案件、所在网格和统计图表</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message numerus="yes">
        <location filename="../../console/ui/widgets/charts.py" line="276" />
        <source>Other (%n)</source>
        <translation>
            <numerusform>其他（%n）</numerusform></translation>
    </message>
</context>
<context>
    <name>BulkReportDialog</name>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="198" />
        <source>Supervision result</source>
        <translation>督办结果</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="203" />
        <source>Supervised: %1   Refused: %2</source>
        <translation>已督办：%1   被拒绝：%2</translation>
    </message>
</context>
<context>
    <name>CallView</name>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="87" />
        <location filename="../../console/ui/intake/call_view.py" line="195" />
        <source>No call</source>
        <translation>暂无通话</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="95" />
        <source>● REC</source>
        <translation>● 录制中</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="113" />
        <source>Answer</source>
        <translation>接听</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="114" />
        <source>Decline</source>
        <translation>拒接</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="115" />
        <location filename="../../console/ui/intake/call_view.py" line="220" />
        <source>Hold</source>
        <translation>保持</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="116" />
        <source>Mute microphone</source>
        <translation>麦克风静音</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="117" />
        <source>Camera off</source>
        <translation>关闭摄像头</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="118" />
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="119" />
        <location filename="../../console/ui/intake/call_view.py" line="225" />
        <source>Record</source>
        <translation>录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="120" />
        <source>Transfer</source>
        <translation>转接</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="121" />
        <source>Hang up</source>
        <translation>挂断</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="196" />
        <source>Calls offered to you ring here; answer from the queue.</source>
        <translation>分配给您的来电会在此振铃；也可在队列中双击接听。</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="205" />
        <source> · vulnerable caller</source>
        <translation> · 特殊群体</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="209" />
        <source>Consented to recording</source>
        <translation>已同意录音录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="211" />
        <source>No consent to recording</source>
        <translation>未同意录音录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="220" />
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="225" />
        <source>Stop recording</source>
        <translation>停止录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="230" />
        <source>The caller did not accept the recording notice: recording is not allowed</source>
        <translation>来访人未同意录音录像告知，不能录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="239" />
        <source>Ringing — answer or decline</source>
        <translation>振铃中——请接听或拒接</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="240" />
        <source>Connecting the video…</source>
        <translation>正在建立视频…</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="241" />
        <source>In the call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="242" />
        <source>On hold: the caller sees the holding screen</source>
        <translation>保持中：来访人看到等候画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="243" />
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="304" />
        <source>No other officer is on duty</source>
        <translation>没有其他在岗人员</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="311" />
        <source>Into a mediation room</source>
        <translation>转入调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="314" />
        <source>No room is open or scheduled</source>
        <translation>没有进行中或已预约的调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="324" />
        <source>available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="325" />
        <source>on a call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="326" />
        <source>wrap-up</source>
        <translation>整理中</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="327" />
        <source>away</source>
        <translation>离开</translation>
    </message>
</context>
<context>
    <name>CaseDetail</name>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="287" />
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="295" />
        <source>Choose a case in the ledger</source>
        <translation>请在台账中选择案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="311" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="312" />
        <source>Deadline</source>
        <translation>化解时限</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="313" />
        <source>Responsible unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="314" />
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="315" />
        <source>Channel</source>
        <translation>分流渠道</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="348" />
        <source>No action is open to you in this state.</source>
        <translation>此状态下您没有可执行的操作。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="363" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="363" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="363" />
        <source>By</source>
        <translation>办理人</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="363" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="363" />
        <source>Opinion</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="368" />
        <source>Case flow</source>
        <translation>办理流程</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="427" />
        <source>Case {id} does not exist.</source>
        <translation>案件 {id} 不存在。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="445" />
        <source>Supervised: {level}</source>
        <translation>已督办：{level}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="453" />
        <source>Not set until accepted</source>
        <translation>受理后起算</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="472" />
        <source>Resolved</source>
        <translation>已化解</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="472" />
        <source>Not resolved</source>
        <translation>未化解</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="475" />
        <source>Evaluation: {text}</source>
        <translation>评价：{text}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="477" />
        <source>Voided: {reason}</source>
        <translation>已作废：{reason}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="491" />
        <source> (due {time})</source>
        <translation>（期限 {time}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="553" />
        <source>“{action}” was refused:</source>
        <translation>“{action}”被拒绝：</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/case_detail.py" line="560" />
        <source>The store could not be reached: {error}</source>
        <translation>无法访问数据库：{error}</translation>
    </message>
</context>
<context>
    <name>CaseLedgerModel</name>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="79" />
        <source>Case No.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="80" />
        <source>Title</source>
        <translation>事件名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="81" />
        <source>Category</source>
        <translation>事件类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="82" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="83" />
        <source>Deadline</source>
        <translation>化解时限</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="84" />
        <source>Risk</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="85" />
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="86" />
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="87" />
        <source>Responsible unit</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../console/ui/models/case_ledger_model.py" line="88" />
        <source>Registered</source>
        <translation>登记时间</translation>
    </message>
</context>
<context>
    <name>CaseSlide</name>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="419" />
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="430" />
        <source>Case {id} no longer exists</source>
        <translation>案件 {id} 已不存在</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="445" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="447" />
        <source>Deadline</source>
        <translation>化解时限</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="452" />
        <source>Supervision</source>
        <translation>督办</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="456" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="469" />
        <source>Latest steps</source>
        <translation>最近流程</translation>
    </message>
</context>
<context>
    <name>CatalogueTab</name>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="74" />
        <source>New group…</source>
        <translation>新建分组…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="76" />
        <source>Whole group to wall</source>
        <translation>整组上墙</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="78" />
        <source>Import cameras…</source>
        <translation>导入点位…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="79" />
        <source>CSV or a GB/T 28181 Catalog response (XML)</source>
        <translation>CSV 文件或 GB/T 28181 目录查询应答 (XML)</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="84" />
        <source>Favourites</source>
        <translation>我的收藏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="88" />
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="118" />
        <source> (shared)</source>
        <translation>（共享）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="163" />
        <source>New group</source>
        <translation>新建分组</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="164" />
        <source>Name of the group:</source>
        <translation>分组名称：</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="173" />
        <source>Import cameras</source>
        <translation>导入监控点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="175" />
        <source>Camera catalogues (*.csv *.xml)</source>
        <translation>点位目录 (*.csv *.xml)</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="175" />
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/catalogue_tab.py" line="184" />
        <source>%1: %2 new, %3 updated, %4 unchanged, %5 problem(s)</source>
        <translation>%1：新增 %2，更新 %3，未变 %4，问题 %5 条</translation>
    </message>
</context>
<context>
    <name>Chart</name>
    <message>
        <location filename="../../console/ui/widgets/charts.py" line="75" />
        <source>No data for this period</source>
        <translation>本时段无数据</translation>
    </message>
</context>
<context>
    <name>DonutChart</name>
    <message numerus="yes">
        <location filename="../../console/ui/widgets/charts.py" line="558" />
        <source>Other (%n)</source>
        <translation>
            <numerusform>其他（%n）</numerusform></translation>
    </message>
</context>
<context>
    <name>EvidenceActions</name>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="90" />
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="91" />
        <source>Instant replay (30 s)</source>
        <translation>即时回放（30 秒）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="92" />
        <source>Export clip…</source>
        <translation>导出片段…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="98" />
        <source>Masks and motion zones…</source>
        <translation>隐私遮挡与侦测区域…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="102" />
        <source>Restore privacy mask</source>
        <translation>恢复隐私遮挡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="104" />
        <source>Lift privacy mask…</source>
        <translation>解除隐私遮挡…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="113" />
        <source>Snapshot saved: %1 (SHA-256 %2…)</source>
        <translation>截图已保存：%1（SHA-256 %2…）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="142" />
        <source>Export clip</source>
        <translation>导出片段</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="143" />
        <source>Export the last how many seconds (at most 30)?</source>
        <translation>导出最近多少秒（最多 30 秒）？</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="159" />
        <source>Clip exported: %1 (%2 s, SHA-256 %3…)</source>
        <translation>片段已导出：%1（%2 秒，SHA-256 %3…）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="171" />
        <source>Lift privacy mask</source>
        <translation>解除隐私遮挡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="173" />
        <source>Lifting the mask of “%1” is recorded. State the reason:</source>
        <translation>解除“%1”的隐私遮挡将被记录审计，请填写事由：</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="187" />
        <source>Privacy mask of %1 lifted on this console</source>
        <translation>已在本席位解除 %1 的隐私遮挡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="197" />
        <source>Privacy mask of %1 restored</source>
        <translation>已恢复 %1 的隐私遮挡</translation>
    </message>
</context>
<context>
    <name>EvidencePage</name>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="406" />
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="411" />
        <source>Verify all</source>
        <translation>全部校验</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="412" />
        <source>Export evidence package…</source>
        <translation>导出证据包…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="424" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="424" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="424" />
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="424" />
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="435" />
        <source>Delete annotation</source>
        <translation>删除标注</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="439" />
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="441" />
        <source>Annotations of this file</source>
        <translation>本文件的标注</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="446" />
        <location filename="../../console/ui/assessment/evidence_page.py" line="654" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="447" />
        <source>◀ Frame</source>
        <translation>◀ 上一帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="448" />
        <source>Frame ▶</source>
        <translation>下一帧 ▶</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="449" />
        <source>One frame back</source>
        <translation>后退一帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="450" />
        <source>One frame forward</source>
        <translation>前进一帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="464" />
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="470" />
        <source>Annotate:</source>
        <translation>标注：</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="472" />
        <source>Pointer</source>
        <translation>选择</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="473" />
        <source>Box</source>
        <translation>框选</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="474" />
        <source>Arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="475" />
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="487" />
        <source>Text for the next annotation (optional for box/arrow)</source>
        <translation>下一个标注的文字（框选、箭头可不填）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="546" />
        <source>Evidence of case %1</source>
        <translation>案件 %1 的证据</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="654" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="734" />
        <source>Annotation saved at %1</source>
        <translation>已在 %1 处保存标注</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/assessment/evidence_page.py" line="760" />
        <source>Checking %n file(s)…</source>
        <translation>
            <numerusform>正在校验 %n 个文件…</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/assessment/evidence_page.py" line="781" />
        <source>%n file(s) failed the integrity check</source>
        <translation>
            <numerusform>%n 个文件完整性校验未通过</numerusform></translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="784" />
        <source>All files match their stored hashes</source>
        <translation>全部文件与登记的哈希一致</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="792" />
        <source>Export evidence package</source>
        <translation>导出证据包</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="792" />
        <source>Zip archive (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="801" />
        <source>Writing the evidence package…</source>
        <translation>正在生成证据包…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="808" />
        <source>Package written: %1 files, SHA-256 %2</source>
        <translation>证据包已生成：%1 个文件，SHA-256 %2</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="813" />
        <source>(%1 missing, %2 altered — listed in the manifest)</source>
        <translation>（缺失 %1 个、被改动 %2 个，已列入清单）</translation>
    </message>
</context>
<context>
    <name>GridPicker</name>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="220" />
        <source>Choose the grid</source>
        <translation>选择网格</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="235" />
        <source>Open the tree down to a grid; only a grid can be chosen.</source>
        <translation>展开区域树直到网格；只能选择网格。</translation>
    </message>
</context>
<context>
    <name>GridSlide</name>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="487" />
        <source>Cases by state</source>
        <translation>按状态统计</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="487" />
        <source>cases</source>
        <translation>件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="493" />
        <source>All cases</source>
        <translation>全部案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="494" />
        <source>Open</source>
        <translation>未办结</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="495" />
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
</context>
<context>
    <name>IntakePanel</name>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="108" />
        <source>Ticket</source>
        <translation>排队号</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="109" />
        <source>Caller</source>
        <translation>来访人</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="110" />
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="112" />
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="114" />
        <source> · vulnerable</source>
        <translation> · 弱势群体</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="118" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="119" />
        <source>Waited</source>
        <translation>已等待</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="120" />
        <source>Officer</source>
        <translation>接访员</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="134" />
        <source>Queued at</source>
        <translation>排队时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="140" />
        <source>Talked</source>
        <translation>通话时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="142" />
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="144" />
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="154" />
        <source>Waiting</source>
        <translation>排队人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="155" />
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="156" />
        <source>Answered today</source>
        <translation>今日接听</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/intake/panel.py" line="158" />
        <source>Service level (answered within %n s)</source>
        <translation>
            <numerusform>服务水平（%n 秒内接听）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="286" />
        <source>Finish wrap-up</source>
        <translation>结束整理</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="291" />
        <source>Camera for the next call</source>
        <translation>下一通电话使用的摄像头</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="294" />
        <source>Microphone for the next call</source>
        <translation>下一通电话使用的麦克风</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="193" />
        <source>Priority first, then longest waiting</source>
        <translation>优先级高者在前，其次等待最久者</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="202" />
        <source>Call queue</source>
        <translation>排队队列</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="281" />
        <source>Take calls</source>
        <translation>接听来电</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="282" />
        <source>Pause calls (away)</source>
        <translation>暂停接听（离开）</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="283" />
        <source>Whether calls may ring here between calls</source>
        <translation>两通电话之间是否允许来电在本机振铃</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="296" />
        <source>My state:</source>
        <translation>我的状态：</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="301" />
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="303" />
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="319" />
        <source>Generated test picture</source>
        <translation>测试画面（生成）</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="321" />
        <source>Generated test tone</source>
        <translation>测试音（生成）</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="362" />
        <source>Not connected to the signalling server: calls cannot be answered</source>
        <translation>未连接信令服务器：无法接听来电</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="393" />
        <source>● Signalling not connected</source>
        <translation>● 信令未连接</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="394" />
        <source>● Connecting to signalling…</source>
        <translation>● 正在连接信令…</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="395" />
        <source>● Signalling connected</source>
        <translation>● 信令已连接</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="397" />
        <source>● Signalling lost — reconnecting; calls in progress keep their place</source>
        <translation>● 信令中断——正在重连；进行中的通话和排队位置保留</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="400" />
        <source>● Signalling closed</source>
        <translation>● 信令已关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="416" />
        <source>waiting for calls</source>
        <translation>等待来电</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="417" />
        <source>on a call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="418" />
        <source>wrap-up: finish the record, no calls ring</source>
        <translation>整理中：请完成登记，此时不振铃</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="419" />
        <source>away: no calls ring</source>
        <translation>离开：不振铃</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="449" />
        <source>Incoming call: %1 — click to answer</source>
        <translation>来电：%1——点击接听</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="456" />
        <source>Call ended: %1</source>
        <translation>通话已结束：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="481" />
        <source>Incoming video petition</source>
        <translation>视频接访来电</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="482" />
        <source>%1 is calling</source>
        <translation>%1 来电</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="490" />
        <source>No sound device: calls ring on screen and in the tray only</source>
        <translation>没有声音设备：来电只在屏幕和托盘提示</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="491" />
        <source>The ring's sound device stopped working</source>
        <translation>来电铃声的声音设备停止工作</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="518" />
        <source>Registered as case #%1; it is in the case ledger</source>
        <translation>已登记为案件 #%1，已进入案件台账</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="529" />
        <source>Snapshot saved (sha256 %1…)</source>
        <translation>截图已保存（sha256 %1…）</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="547" />
        <source>On hold</source>
        <translation>保持中</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="556" />
        <source>Me</source>
        <translation>本人</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="582" />
        <source>Mark as called back</source>
        <translation>标记为已回拨</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="584" />
        <source>Open its registration</source>
        <translation>打开登记</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="160" />
        <source>Abandoned today</source>
        <translation>今日放弃</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="168" />
        <source>Double-click a waiting call to answer it</source>
        <translation>双击等待中的来电即可接听</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="179" />
        <source>Search calls: ticket, caller, phone, officer, outcome</source>
        <translation>搜索通话：票号、来访人、电话、接待人、结果</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/panel.py" line="203" />
        <source>Call history</source>
        <translation>来电记录</translation>
    </message>
</context>
<context>
    <name>LedgerPage</name>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="239" />
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="240" />
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="241" />
        <source>Due within 3 days</source>
        <translation>3 日内到期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="242" />
        <source>Red-card supervision</source>
        <translation>红牌督办</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="243" />
        <source>Matching the filter</source>
        <translation>符合筛选</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="256" />
        <source>Search case no., title or summary…</source>
        <translation>搜索案件编号、名称或简要情况…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="259" />
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="262" />
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="265" />
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="267" />
        <source>Any deadline</source>
        <translation>任意时限状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="270" />
        <source>Any supervision</source>
        <translation>任意督办</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="272" />
        <source>Any risk</source>
        <translation>任意风险等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="275" />
        <source>Overdue only</source>
        <translation>仅看超期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="283" />
        <source>Registered</source>
        <translation>登记时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="294" />
        <source>Supervise selected…</source>
        <translation>督办所选…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="300" />
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="301" />
        <source>Export to PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="304" />
        <source>%v / %m cases</source>
        <translation>%v / %m 件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="305" />
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="392" />
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/assessment/ledger_page.py" line="494" />
        <source>%n selected</source>
        <translation>
            <numerusform>已选 %n 件</numerusform></translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="546" />
        <source>Export the ledger</source>
        <translation>导出台账</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="550" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="552" />
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="569" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="583" />
        <source>Export cancelled</source>
        <translation>已取消导出</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="585" />
        <source>Could not write the file: %1</source>
        <translation>无法写入文件：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="601" />
        <source>Exported %1 cases to %2</source>
        <translation>已导出 %1 件案件到 %2</translation>
    </message>
</context>
<context>
    <name>LiveCameraView</name>
    <message>
        <location filename="../../console/ui/widgets/live_camera_view.py" line="46" />
        <source>%1: no video stream configured</source>
        <translation>%1：未配置视频流</translation>
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
        <location filename="../../console/ui/main_window.py" line="145" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="152" />
        <source>Role layout</source>
        <translation>角色布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="157" />
        <source>Detach screen to monitor</source>
        <translation>将屏幕移至显示器</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="160" />
        <source>Monitor %1</source>
        <translation>显示器 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="164" />
        <source>Big-screen mode</source>
        <translation>大屏模式</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="168" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="176" />
        <source>Duty officer</source>
        <translation>值班员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="177" />
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="178" />
        <source>Supervisor</source>
        <translation>督导</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="179" />
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="187" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="188" />
        <source>The language changes the next time the console starts.</source>
        <translation>界面语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="195" />
        <location filename="../../console/ui/main_window.py" line="203" />
        <source>Sync: live</source>
        <translation>同步：正常</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="205" />
        <source>Sync: reconnecting</source>
        <translation>同步：重连中</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="209" />
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="216" />
        <source>UI lag %1 ms</source>
        <translation>界面延迟 %1 毫秒</translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <location filename="../../console/ui/widgets/map_canvas.py" line="939" />
        <source>Risk level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/map_canvas.py" line="941" />
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/map_canvas.py" line="999" />
        <source>%1 km</source>
        <translation>%1 公里</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/map_canvas.py" line="1001" />
        <source>%1 m</source>
        <translation>%1 米</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/widgets/map_canvas.py" line="1107" />
        <source>%n risk points — click to zoom in</source>
        <translation>
            <numerusform>%n 个风险点——点击放大</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/widgets/map_canvas.py" line="1108" />
        <source>%n cameras — click to zoom in</source>
        <translation>
            <numerusform>%n 个摄像机——点击放大</numerusform></translation>
    </message>
</context>
<context>
    <name>MapPage</name>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="37" />
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="38" />
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="39" />
        <source>Risk points</source>
        <translation>风险点</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="40" />
        <source>Clusters</source>
        <translation>聚合</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="41" />
        <source>Heat</source>
        <translation>热力</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="44" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="53" />
        <source>Include closed cases</source>
        <translation>包括已办结案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="62" />
        <source>Whole region</source>
        <translation>全域</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="63" />
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="64" />
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="88" />
        <source>The map file was refused: %1</source>
        <translation>地图文件被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/map_page.py" line="150" />
        <source>Cameras %1 · risk points %2 · zoom %3</source>
        <translation>摄像机 %1 · 风险点 %2 · 缩放 %3</translation>
    </message>
</context>
<context>
    <name>MediationPanel</name>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="69" />
        <source>Room</source>
        <translation>调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="70" />
        <source>Case No.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="71" />
        <source>Mediator</source>
        <translation>调解员</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="73" />
        <location filename="../../console/ui/mediation/panel.py" line="121" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="78" />
        <location filename="../../console/ui/mediation/panel.py" line="122" />
        <source>Scheduled</source>
        <translation>预约时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="81" />
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="83" />
        <source>Media</source>
        <translation>媒体方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="84" />
        <source>Mesh</source>
        <translation>点对点</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="107" />
        <source>Enter the room</source>
        <translation>进入调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="112" />
        <source>Invitation link…</source>
        <translation>邀请链接…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="120" />
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="123" />
        <source>Participants</source>
        <translation>参会人员</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="132" />
        <source>Mediation rooms</source>
        <translation>调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="134" />
        <source>Schedule a room…</source>
        <translation>预约调解室…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="187" />
        <source>Could not enter the room: %1</source>
        <translation>无法进入调解室：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="213" />
        <source>Room scheduled for case %1</source>
        <translation>已为案件 %1 预约调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="225" />
        <source>Invitation</source>
        <translation>邀请</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="225" />
        <source>Name of the person invited:</source>
        <translation>被邀请人姓名：</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="232" />
        <source>Invitation for %1 copied to the clipboard:</source>
        <translation>%1 的邀请链接已复制到剪贴板：</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="263" />
        <source>Signalling is not running</source>
        <translation>信令服务未运行</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/panel.py" line="274" />
        <source>consents to recording</source>
        <translation>同意录像</translation>
    </message>
</context>
<context>
    <name>PartyRow</name>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="140" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>PlayerView</name>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="312" />
        <source>Pick a file on the timeline or in the list</source>
        <translation>在时间轴或列表中选择文件</translation>
    </message>
</context>
<context>
    <name>RegistrationForm</name>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="319" />
        <source>Add party</source>
        <translation>添加当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="323" />
        <source>— choose a category —</source>
        <translation>— 选择纠纷类别 —</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="337" />
        <source>Street, building, landmark</source>
        <translation>街道、楼栋、地标</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="338" />
        <source>Choose grid…</source>
        <translation>选择网格…</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="340" />
        <location filename="../../console/ui/intake/registration_form.py" line="561" />
        <source>No grid chosen</source>
        <translation>未选择网格</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="342" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="346" />
        <source>What happened, what the caller asks for, what was tried already</source>
        <translation>事情经过、来访人诉求、已做过的处理</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="360" />
        <source>Register</source>
        <translation>登记</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="394" />
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="395" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="396" />
        <source>ID type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="397" />
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="398" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="399" />
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="413" />
        <source>Category</source>
        <translation>纠纷类别</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="415" />
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="417" />
        <source>Scale</source>
        <translation>规模</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="419" />
        <source>Happened at</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="421" />
        <source>People involved</source>
        <translation>涉及人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="423" />
        <source>Place</source>
        <translation>发生地点</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="430" />
        <source>Summary</source>
        <translation>简要情况</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="438" />
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="449" />
        <source>The matter</source>
        <translation>纠纷情况</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="588" />
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="599" />
        <source>New registration</source>
        <translation>新登记</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="599" />
        <source>Draft restored</source>
        <translation>已恢复草稿</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/intake/registration_form.py" line="656" />
        <source>%n field(s) still need attention</source>
        <translation>
            <numerusform>还有 %n 项需要处理</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="667" />
        <source>Draft saved at %1</source>
        <translation>草稿已于 %1 保存</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="692" />
        <source>Repeat caller: case %1 “%2” (%3), registered %4. The new case will be linked to it.</source>
        <translation>重复来访：案件 %1“%2”（%3），登记于 %4。新案件将与之关联。</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="732" />
        <source>Registering…</source>
        <translation>正在登记…</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="749" />
        <source>Not registered: some fields need attention</source>
        <translation>未登记：部分字段需要处理</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="754" />
        <source>Registered; the case is in the ledger</source>
        <translation>已登记，案件已进入台账</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/registration_form.py" line="763" />
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
</context>
<context>
    <name>ReplayDialog</name>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="40" />
        <source>Instant replay — %1</source>
        <translation>即时回放 — %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/evidence_actions.py" line="54" />
        <source>Replay of the last 30 s, looping</source>
        <translation>最近 30 秒回放，循环播放</translation>
    </message>
</context>
<context>
    <name>RoomAgreement</name>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="37" />
        <source>Show to the parties</source>
        <translation>推送给当事人</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="40" />
        <source>Put the agreement as it stands on every admitted party's page to sign</source>
        <translation>把当前协议书推送到已入会当事人的页面上阅读并签名</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="62" />
        <source>People's mediation agreement</source>
        <translation>人民调解协议书</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="69" />
        <source>Shown to the parties: %1</source>
        <translation>已推送给当事人：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="77" />
        <source>A signature arrived for another agreement; ignored</source>
        <translation>收到的签名属于另一份协议书，已忽略</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="82" />
        <source>%1 is not a party of this agreement; signature not stored</source>
        <translation>%1 不是本协议书的当事人，签名未保存</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_agreement.py" line="102" />
        <source>%1 signed</source>
        <translation>%1 已签名</translation>
    </message>
</context>
<context>
    <name>RoomView</name>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="92" />
        <source>Caucus with selected</source>
        <translation>与所选人员背靠背</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="95" />
        <source>Talk privately with the selected participants; the others wait</source>
        <translation>与所选参与人单独沟通，其他人等候</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="98" />
        <source>Everyone back</source>
        <translation>全体回到调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="101" />
        <source>Leave room</source>
        <translation>离开调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="123" />
        <source>Admit</source>
        <translation>准许进入</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="129" />
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="131" />
        <source>Spotlight</source>
        <translation>主画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="133" />
        <source>Remove</source>
        <translation>移出</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="144" />
        <source>Message to everyone you can see…</source>
        <translation>发给当前能看到的所有人…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="150" />
        <source>Lobby</source>
        <translation>等候室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="153" />
        <source>In the room</source>
        <translation>调解室内</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="156" />
        <source>Chat</source>
        <translation>文字交流</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="161" />
        <source>Session</source>
        <translation>调解现场</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="164" />
        <source>Agreement</source>
        <translation>协议书</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="193" />
        <source>%1 is waiting in the lobby</source>
        <translation>%1 正在等候室等候</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="199" />
        <source>Recording paused: %1</source>
        <translation>录音录像已暂停：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="224" />
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="225" />
        <location filename="../../console/ui/mediation/room_view.py" line="318" />
        <location filename="../../console/ui/mediation/room_view.py" line="333" />
        <source>connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="226" />
        <source>signalling lost, reconnecting…</source>
        <translation>信令中断，正在重连…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="227" />
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="244" />
        <source>Recording</source>
        <translation>录音录像中</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="246" />
        <source>Stop recording</source>
        <translation>停止录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="248" />
        <source>Not recording</source>
        <translation>未录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="250" />
        <source>Record</source>
        <translation>录音录像</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="252" />
        <source>Waiting for consent from: %1</source>
        <translation>尚待以下人员同意录音录像：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="263" />
        <source>Caucus with %1; the others wait</source>
        <translation>正与 %1 背靠背沟通，其他人等候</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="273" />
        <source>Waiting in the lobby until the mediator lets you in</source>
        <translation>正在等候室等候调解员准许进入</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="289" />
        <source>consents</source>
        <translation>同意录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="289" />
        <source>no consent yet</source>
        <translation>尚未同意录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="291" />
        <source>in caucus</source>
        <translation>背靠背中</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="293" />
        <source>spotlight</source>
        <translation>主画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="303" />
        <source>Me</source>
        <translation>我</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="329" />
        <source>live</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="330" />
        <source>network lost</source>
        <translation>网络中断</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="331" />
        <source>network unstable</source>
        <translation>网络不稳定</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="332" />
        <source>left</source>
        <translation>已离开</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="360" />
        <source>Select a participant first</source>
        <translation>请先选择参与人</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="375" />
        <source>Select who joins the caucus</source>
        <translation>请选择参加背靠背的人员</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="110" />
        <source>Share</source>
        <translation>共享</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="113" />
        <source>Show everyone your screen or a document page instead of your camera</source>
        <translation>向所有人展示您的屏幕或文档页面，代替摄像头画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="116" />
        <source>Share screen</source>
        <translation>共享屏幕</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="118" />
        <source>Share a document page…</source>
        <translation>共享文档页…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="120" />
        <source>Stop sharing</source>
        <translation>停止共享</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="326" />
        <source>Sharing your screen</source>
        <translation>正在共享屏幕</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="328" />
        <source>Sharing document: %1</source>
        <translation>正在共享文档：%1</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="331" />
        <source>Sharing…</source>
        <translation>正在共享…</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="358" />
        <source>Me · what I share</source>
        <translation>我 · 正在共享的画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="449" />
        <source>The screen cannot be captured on this system</source>
        <translation>本机无法截取屏幕画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="458" />
        <source>Share a document page</source>
        <translation>共享文档页</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="460" />
        <source>Pictures of pages (*.png *.jpg *.jpeg)</source>
        <translation>文档页图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/room_view.py" line="470" />
        <source>Cannot share %1: it is not a readable PNG or JPEG picture</source>
        <translation>无法共享 %1：不是可读取的 PNG 或 JPEG 图片</translation>
    </message>
</context>
<context>
    <name>ScheduleRoomDialog</name>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="28" />
        <source>Schedule a mediation room</source>
        <translation>预约调解室</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="30" />
        <source>e.g. LJ-2026-000123</source>
        <translation>例如 LJ-2026-000123</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="37" />
        <source>Peer to peer (up to %1 people)</source>
        <translation>点对点（最多 %1 人）</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="41" />
        <source>Media server (Janus, up to %1 people)</source>
        <translation>媒体服务器（Janus，最多 %1 人）</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="50" />
        <source>Media server (Janus): none configured (console --janus URL)</source>
        <translation>媒体服务器（Janus）：未配置（启动时加 console --janus 地址）</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="52" />
        <source>Case No.</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="53" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/schedule_dialog.py" line="54" />
        <source>Media</source>
        <translation>媒体方式</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <location filename="../../console/app.py" line="145" />
        <source>Video petition intake</source>
        <translation>视频接访</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="153" />
        <source>Video mediation</source>
        <translation>视频调解</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="161" />
        <source>Video surveillance</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="169" />
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
    <name>SignatureDialog</name>
    <message>
        <location filename="../../console/ui/mediation/signature_pad.py" line="85" />
        <source>Clear</source>
        <translation>重写</translation>
    </message>
    <message>
        <location filename="../../console/ui/mediation/signature_pad.py" line="91" />
        <source>Sign in the box below</source>
        <translation>请在下方方框内签名</translation>
    </message>
</context>
<context>
    <name>StatsPage</name>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="95" />
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="99" />
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="99" />
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="107" />
        <source>New cases</source>
        <translation>新增案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="108" />
        <source>Overdue rate</source>
        <translation>超期率</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="109" />
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="110" />
        <source>Mediation success rate</source>
        <translation>调解成功率</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="111" />
        <source>Agreements signed</source>
        <translation>签订调解协议</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="112" />
        <location filename="../../console/ui/assessment/stats_page.py" line="121" />
        <source>Intake service level</source>
        <translation>接访服务水平</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="117" />
        <source>New cases by current state</source>
        <translation>新增案件及当前状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="118" />
        <source>Cases by state</source>
        <translation>按状态统计</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="118" />
        <source>cases</source>
        <translation>件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="119" />
        <source>Cases by category</source>
        <translation>按类别统计</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="120" />
        <location filename="../../console/ui/assessment/stats_page.py" line="312" />
        <source>Cases by district</source>
        <translation>按区县统计</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="251" />
        <source>{area} · {first} – {last} · as of {time}</source>
        <translation>{area} · {first} 至 {last} · 截至 {time}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="259" />
        <source>{open:,} open now</source>
        <translation>当前在办 {open:,} 件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="264" />
        <source>{late:,} late of {due:,} due</source>
        <translation>到期 {due:,} 件中超期 {late:,} 件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="271" />
        <source>of {open:,} open cases</source>
        <translation>占在办 {open:,} 件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="277" />
        <source>{ok:,} of {flagged:,} closed with a result</source>
        <translation>有结果的 {flagged:,} 件中成功 {ok:,} 件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="283" />
        <source>people's mediation agreements</source>
        <translation>人民调解协议书</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="288" />
        <source>{n:,} calls answered · target {target}</source>
        <translation>已接听 {n:,} 个 · 目标 {target}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="302" />
        <source>Closed</source>
        <translation>当日办结</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="312" />
        <source>Cases by grid</source>
        <translation>按网格统计</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="319" />
        <source>Answered within 60 s</source>
        <translation>60 秒内接听</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/stats_page.py" line="326" />
        <source>Target {target}</source>
        <translation>目标 {target}</translation>
    </message>
</context>
<context>
    <name>SuperviseDialog</name>
    <message numerus="yes">
        <location filename="../../console/ui/assessment/ledger_page.py" line="146" />
        <source>Supervise %n case(s)</source>
        <translation>
            <numerusform>督办 %n 件案件</numerusform></translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="153" />
        <source>Why, and what is expected by when</source>
        <translation>督办原因及限期要求</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/assessment/ledger_page.py" line="158" />
        <source>%n case(s) selected</source>
        <translation>
            <numerusform>已选 %n 件</numerusform></translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="161" />
        <source>Supervision level</source>
        <translation>督办等级</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/ledger_page.py" line="162" />
        <source>Supervision opinion</source>
        <translation>督办意见</translation>
    </message>
</context>
<context>
    <name>TileHealth</name>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="58" />
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="59" />
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="60" />
        <source>Stale</source>
        <translation>画面停滞</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="61" />
        <source>Frozen</source>
        <translation>画面冻结</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="62" />
        <source>Reconnecting</source>
        <translation>重连中</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="63" />
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="64" />
        <source>Access denied</source>
        <translation>拒绝访问</translation>
    </message>
</context>
<context>
    <name>TimelineStrip</name>
    <message>
        <location filename="../../console/ui/assessment/evidence_page.py" line="169" />
        <source>No media for this case</source>
        <translation>本案没有音视频证据</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../console/ui/widgets/video_tile.py" line="258" />
        <source>Empty — double-click a camera</source>
        <translation>空闲 — 双击点位播放</translation>
    </message>
</context>
<context>
    <name>Walkthrough</name>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="132" />
        <source>Walkthrough</source>
        <translation>研判会演示</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="152" />
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="174" />
        <source>→ next   ← previous   P pause   1–9 go to   Esc leave</source>
        <translation>→ 下一页   ← 上一页   P 暂停   1–9 跳转   Esc 退出</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="235" />
        <source>This slide cannot be shown: {reason}</source>
        <translation>此页无法显示：{reason}</translation>
    </message>
</context>
<context>
    <name>WalkthroughSetup</name>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="545" />
        <source>Walkthrough</source>
        <translation>研判会演示</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="548" />
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="549" />
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="550" />
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="551" />
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="560" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="563" />
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="564" />
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="581" />
        <source>(primary)</source>
        <translation>（主屏）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="587" />
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="591" />
        <source>Screen</source>
        <translation>显示器</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="592" />
        <source>Each slide for</source>
        <translation>每页停留</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="596" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/assessment/walkthrough.py" line="602" />
        <source>Slides, in the order shown</source>
        <translation>轮播内容（按顺序）</translation>
    </message>
</context>
<context>
    <name>WallPanel</name>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="97" />
        <location filename="../../console/ui/wall/panel.py" line="207" />
        <source>Cameras</source>
        <translation>点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="104" />
        <source>Favourites and groups</source>
        <translation>收藏分组</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="105" />
        <source>Views</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="110" />
        <location filename="../../console/ui/wall/panel.py" line="855" />
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="176" />
        <source>Search name, code, address or pinyin initials</source>
        <translation>搜索名称、编码、地址或拼音首字母</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="186" />
        <source>Cameras by region and grid</source>
        <translation>按区域与网格的监控点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="191" />
        <source>Double-click or drag a camera onto a tile</source>
        <translation>双击或拖动点位到画面窗格</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="204" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="205" />
        <location filename="../../console/ui/wall/panel.py" line="245" />
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="209" />
        <source>Tour</source>
        <translation>轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="226" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="228" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="250" />
        <source>Previous page (Page Up)</source>
        <translation>上一页（Page Up）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="255" />
        <source>Next page (Page Down)</source>
        <translation>下一页（Page Down）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="261" />
        <source>Tour every</source>
        <translation>轮巡间隔</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="265" />
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="267" />
        <location filename="../../console/ui/wall/panel.py" line="626" />
        <source>Start tour</source>
        <translation>开始轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="272" />
        <source>Save view…</source>
        <translation>保存视图…</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="276" />
        <source>Clear wall</source>
        <translation>清空画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="283" />
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="284" />
        <source>Show the wall alone, full screen (Esc returns)</source>
        <translation>仅显示电视墙并全屏（Esc 返回）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="288" />
        <source>Push to screen</source>
        <translation>推送到屏幕</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="298" />
        <source>%1 split</source>
        <translation>%1 分屏</translation>
    </message>
    <message numerus="yes">
        <location filename="../../console/ui/wall/panel.py" line="299" />
        <source>%n tile(s)</source>
        <translation>
            <numerusform>%n 画面</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="303" />
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="304" />
        <source>every %1 s</source>
        <translation>每 %1 秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="391" />
        <source>%1: no video stream configured</source>
        <translation>%1：未配置视频流</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="420" />
        <source>Page %1/%2</source>
        <translation>第 %1/%2 页</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="452" />
        <source>Sensitive camera</source>
        <translation>敏感点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="454" />
        <source>“%1” is a sensitive location. State the reason for viewing:</source>
        <translation>“%1”为敏感点位，请填写查看事由：</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="504" />
        <source>Remove from wall</source>
        <translation>移出画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="505" />
        <source>Back to the wall</source>
        <translation>返回多画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="505" />
        <source>Focus</source>
        <translation>单画面放大</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="508" />
        <source>Reset zoom</source>
        <translation>复位缩放</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="515" />
        <source>Remove from favourites</source>
        <translation>取消收藏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="517" />
        <source>Add to favourites</source>
        <translation>加入收藏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="522" />
        <source>Add to group</source>
        <translation>加入分组</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="587" />
        <source>No camera matches</source>
        <translation>没有匹配的点位</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="623" />
        <source>Stop tour</source>
        <translation>停止轮巡</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="695" />
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="696" />
        <source>Name of this view (layout, cameras and tour):</source>
        <translation>视图名称（保存布局、点位和轮巡）：</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="708" />
        <source>Screen %1 (%2×%3)</source>
        <translation>屏幕 %1（%2×%3）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="722" />
        <source>screen %1</source>
        <translation>屏幕 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="724" />
        <source>full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="728" />
        <source>The wall is shown on %1. Press Esc there or close it to bring it back.</source>
        <translation>电视墙已显示在%1。在那里按 Esc 或关闭窗口即可收回。</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="774" />
        <source>main</source>
        <translation>主</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="774" />
        <source>sub</source>
        <translation>子</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="776" />
        <source>%1 stream, key frames only</source>
        <translation>%1码流 仅关键帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="779" />
        <source>%1 stream ≤ %2 fps</source>
        <translation>%1码流 ≤%2 帧/秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="783" />
        <source>%1 stream</source>
        <translation>%1码流</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="804" />
        <source>last frame %1 s ago</source>
        <translation>最后画面 %1 秒前</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="809" />
        <source>frame age %1 ms</source>
        <translation>画面延迟 %1 毫秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="813" />
        <source>catching up (frames skipped)</source>
        <translation>追赶实时（跳帧）</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="814" />
        <source>Live: %1 / %2</source>
        <translation>在线画面：%1 / %2</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="833" />
        <source>Overloaded</source>
        <translation>过载降帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="834" />
        <source>Decoding fell behind: held to %1 cores, background tiles slowed until it keeps up again</source>
        <translation>解码跟不上：限制在 %1 核，背景画面已降帧，解码恢复后自动回升</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/panel.py" line="849" />
        <source>Motion alert: the camera is on the wall</source>
        <translation>移动侦测告警：该点位已上墙</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../console/ui/wall/wall_surface.py" line="74" />
        <source>Video wall</source>
        <translation>电视墙</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/wall_surface.py" line="77" />
        <source>Esc returns the wall to the console</source>
        <translation>按 Esc 将电视墙收回指挥台</translation>
    </message>
</context>
<context>
    <name>ZoneEditor</name>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="123" />
        <source>Zones of %1</source>
        <translation>%1 的区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="129" />
        <source>Zone name, e.g. 住宅窗户 or 出入口</source>
        <translation>区域名称，如 住宅窗户、出入口</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="139" />
        <source>Undo point</source>
        <translation>撤销上一点</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="141" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="143" />
        <source>Save zone</source>
        <translation>保存区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="146" />
        <source>Delete selected zone</source>
        <translation>删除所选区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="148" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="152" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="154" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="156" />
        <source>Sensitivity</source>
        <translation>灵敏度</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="166" />
        <source>Zones of this camera</source>
        <translation>本点位的区域</translation>
    </message>
    <message>
        <location filename="../../console/ui/wall/zone_editor.py" line="172" />
        <source>Click on the picture to add the corners of the zone.</source>
        <translation>在画面上单击，依次添加区域的各个顶点。</translation>
    </message>
</context>
<context>
    <name>_CallPicture</name>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="50" />
        <source>The caller's picture shows here during a call</source>
        <translation>通话时在此显示来访人画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/intake/call_view.py" line="51" />
        <source>My camera</source>
        <translation>本人画面</translation>
    </message>
</context>
</TS>