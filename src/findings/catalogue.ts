// The words of every finding (the friction finder's, which are also the journey map's pain points) in English and Korean, keyed
// per kind of finding so the friction finder and the map can share them. Templates interpolate
// `{{param}}` with the message's parameters, formatted in the reader's locale first. The dashboard
// registers this catalogue as its "findings" namespace; the server and the CLI render it with
// ./render.ts. Parameters never take i18next's reserved names (count, context, ns, lng).
const en = {
  segment: { everyone: "everyone" },
  // Channel names: the dashboard's too (web/src/i18n/common.ts takes them from here), so a finding and
  // the dashboard name a channel alike everywhere.
  channel: {
    web: "Web",
    app: "App",
    email: "Email",
    sms: "SMS",
    phone: "Phone",
    chat: "Chat",
    social: "Social",
    store: "Store",
    ads: "Ads",
    push: "Push",
    server: "Server",
    other: "Other",
  } as Record<string, string>,
  friction: {
    dropOff: {
      fail: "More {{unit}}s fail for {{segment}}: {{rate}} vs {{baseline}} elsewhere",
      failSince: "More {{unit}}s fail for {{segment}} since {{since}}: {{rate}} vs {{baseline}} elsewhere",
      abandoned: "More {{unit}}s are abandoned for {{segment}}: {{rate}} vs {{baseline}} elsewhere",
      abandonedSince:
        "More {{unit}}s are abandoned for {{segment}} since {{since}}: {{rate}} vs {{baseline}} elsewhere",
      measureFail: "share of {{unit}}s that fail ({{outcome}})",
      measureAbandoned: "share of {{unit}}s with no {{outcome}}",
      baseline: "every other {{unit}} in the period",
      baselineSince: "every other {{unit}} in the period, and this segment's before {{since}}",
      stopped:
        "More customers stop after {{start}} for {{segment}}: {{rate}} go on to no {{outcome}} vs {{baseline}} elsewhere",
      stoppedSince:
        "More customers stop after {{start}} for {{segment}} since {{since}}: {{rate}} go on to no {{outcome}} vs {{baseline}} elsewhere",
      measureStopped: "share of visits to {{start}} not followed by {{outcome}}",
      baselineStopped: "every other visit to {{start}} in the period",
      baselineStoppedSince:
        "every other visit to {{start}} in the period, and this segment's before {{since}}",
    },
    abandonment: {
      title: "{{touchpoint}}: {{rate}} of {{units}} {{unit}}s end without {{outcome}}",
      titleNoTouchpoint: "{{unit}}s at no named touchpoint: {{rate}} of {{units}} end without {{outcome}}",
      lostValue: "{{lost}} in value",
      measure: "share of {{unit}}s with no {{outcome}} (by {{key}})",
      baseline: "{{unit}}s at the step's other touchpoints",
      baselineNone: "no other touchpoint of the step",
    },
    repeatContact: {
      title:
        "{{touchpoint}}: {{soon}} of contacts are followed by another about the same {{subject}} within {{days}} days ({{later}} {{days}}–{{laterEnd}} days later)",
      concentrated: "concentrated where {{event}} {{segment}} ({{share}} of {{subject}}s vs {{rest}})",
      boughtAgain: "{{again}} of those customers bought again afterwards vs {{rest}}",
      measure: "share of contacts followed by another about the same {{subject}} within {{days}} days",
      baseline: "the same contacts followed by one {{days}}–{{laterEnd}} days later (chance)",
    },
    channelSwitch: {
      title:
        "{{selfService}} that fails ({{segment}}): {{rate}} contact {{channels}} within {{within}} vs {{baseline}} after it went well",
      measure: "share of self-service sessions followed by a {{channels}} contact within {{within}}",
      baseline: "self-service sessions that did not fail this way",
    },
    slowResponse: {
      title:
        "{{touchpoint}} on {{channel}}: {{share}} of {{responses}} first responses slower than the {{target}} target (median {{median}})",
      feedback: "negative feedback after a slow one {{slow}} vs {{onTime}} after one on time",
      measureFeedback: "share of answers followed by negative feedback within {{days}} days",
      measureSlow: "share of first responses slower than the {{target}} target",
      baselineFeedback: "answers within the {{target}} target",
      baselineTarget: "the target: no response slower than it",
    },
    overContact: {
      title:
        "Customers sent more than {{threshold}} messages in a week opt out in {{rate}} of such weeks vs {{baseline}} at {{threshold}} or fewer",
      measure: "share of customer-weeks with an opt-out (unsubscribe)",
      baseline: "customer-weeks with 1 to {{threshold}} messages",
    },
    stageDropOff: {
      grew: "Drop-off after {{touchpoint}} grew since {{since}}: {{rate}} of {{customers}} customer-days there lead to no later stage within {{days}} days, up from {{baseline}}",
      failure:
        "{{touchpoint}}: {{rate}} of {{customers}} customer-days with it lead to no later stage within {{days}} days vs {{baseline}} across the stage",
      measure: "share of customer-days at the touchpoint followed by no later stage within {{days}} days",
      baseline: "customer-days at any touchpoint of the stage",
      baselineBefore: "customer-days at the same touchpoint before {{since}}",
    },
    negativeFeedback: {
      title: "{{touchpoint}}: {{rate}} of answers negative since {{since}} vs {{baseline}} before",
      measure: "share of feedback answers that are negative",
      baseline: "the same touchpoint before {{since}}",
    },
  },
};

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

const ko: Strings<typeof en> = {
  segment: { everyone: "전체" },
  channel: {
    web: "웹",
    app: "앱",
    email: "이메일",
    sms: "문자",
    phone: "전화",
    chat: "채팅",
    social: "소셜",
    store: "매장",
    ads: "광고",
    push: "푸시",
    server: "서버",
    other: "기타",
  },
  friction: {
    dropOff: {
      fail: "{{segment}}에서 {{start}} 실패가 많습니다: {{rate}} (다른 곳 {{baseline}})",
      failSince: "{{segment}}에서 {{since}}부터 {{start}} 실패가 많습니다: {{rate}} (다른 곳 {{baseline}})",
      abandoned:
        "{{segment}}에서 {{outcome}} 없이 끝나는 {{start}}이(가) 많습니다: {{rate}} (다른 곳 {{baseline}})",
      abandonedSince:
        "{{segment}}에서 {{since}}부터 {{outcome}} 없이 끝나는 {{start}}이(가) 많습니다: {{rate}} (다른 곳 {{baseline}})",
      measureFail: "실패({{outcome}})로 끝난 {{start}}의 비율",
      measureAbandoned: "{{outcome}} 없이 끝난 {{start}}의 비율",
      baseline: "기간 중 그 밖의 모든 {{start}}",
      baselineSince: "기간 중 그 밖의 모든 {{start}}, 그리고 {{since}} 이전의 이 세그먼트",
      stopped:
        "{{segment}}에서 {{start}} 뒤 {{outcome}}(으)로 넘어가지 않는 고객이 많습니다: {{rate}} (다른 곳 {{baseline}})",
      stoppedSince:
        "{{segment}}에서 {{since}}부터 {{start}} 뒤 {{outcome}}(으)로 넘어가지 않는 고객이 많습니다: {{rate}} (다른 곳 {{baseline}})",
      measureStopped: "{{outcome}}(으)로 이어지지 않은 {{start}} 방문의 비율",
      baselineStopped: "기간 중 그 밖의 모든 {{start}} 방문",
      baselineStoppedSince: "기간 중 그 밖의 모든 {{start}} 방문, 그리고 {{since}} 이전의 이 세그먼트",
    },
    abandonment: {
      title: "{{touchpoint}}: {{start}} {{units}}건 중 {{rate}}가 {{outcome}} 없이 끝납니다",
      titleNoTouchpoint: "이름 있는 접점 밖의 {{start}} {{units}}건 중 {{rate}}가 {{outcome}} 없이 끝납니다",
      lostValue: "금액 {{lost}}",
      measure: "{{outcome}} 없이 끝난 {{start}}의 비율 ({{key}} 기준)",
      baseline: "같은 단계의 다른 접점에서 시작한 {{start}}",
      baselineNone: "같은 단계에 다른 접점이 없음",
    },
    repeatContact: {
      title:
        "{{touchpoint}}: 문의의 {{soon}}가 {{days}}일 안에 같은 {{subject}}에 대한 문의로 이어집니다 ({{days}}–{{laterEnd}}일 뒤에는 {{later}})",
      concentrated:
        "{{event}} {{segment}}인 경우에 몰려 있습니다 ({{subject}} 기준 {{share}}, 그 밖에는 {{rest}})",
      boughtAgain: "이 고객 중 {{again}}가 이후 재구매했습니다 (그 밖의 고객 {{rest}})",
      measure: "{{days}}일 안에 같은 {{subject}}에 대한 문의가 다시 온 문의의 비율",
      baseline: "같은 문의 중 {{days}}–{{laterEnd}}일 뒤에 다시 문의가 온 비율 (우연 수준)",
    },
    channelSwitch: {
      title:
        "실패한 {{selfService}} ({{segment}}): {{within}} 안에 {{channels}}(으)로 문의한 비율 {{rate}} (잘 끝난 경우 {{baseline}})",
      measure: "{{within}} 안에 {{channels}} 문의로 이어진 셀프서비스 세션의 비율",
      baseline: "이렇게 실패하지 않은 셀프서비스 세션",
    },
    slowResponse: {
      title:
        "{{channel}}의 {{touchpoint}}: 첫 응답 {{responses}}건 중 {{share}}가 목표 {{target}}보다 느립니다 (중앙값 {{median}})",
      feedback: "느린 응답 뒤 부정적 피드백 {{slow}}, 제시간 응답 뒤 {{onTime}}",
      measureFeedback: "{{days}}일 안에 부정적 피드백이 뒤따른 응답의 비율",
      measureSlow: "목표 {{target}}보다 느린 첫 응답의 비율",
      baselineFeedback: "목표 {{target}} 안에 한 응답",
      baselineTarget: "목표: 목표보다 느린 응답 없음",
    },
    overContact: {
      title:
        "한 주에 메시지를 {{threshold}}건 넘게 받은 고객은 그런 주의 {{rate}}에 수신을 거부합니다 ({{threshold}}건 이하일 때 {{baseline}})",
      measure: "수신 거부가 있었던 고객-주의 비율",
      baseline: "메시지를 1–{{threshold}}건 받은 고객-주",
    },
    stageDropOff: {
      grew: "{{touchpoint}} 뒤 이탈이 {{since}}부터 늘었습니다: 고객-일 {{customers}}건 중 {{rate}}가 {{days}}일 안에 다음 단계로 이어지지 않습니다 (이전 {{baseline}})",
      failure:
        "{{touchpoint}}: 고객-일 {{customers}}건 중 {{rate}}가 {{days}}일 안에 다음 단계로 이어지지 않습니다 (단계 전체 {{baseline}})",
      measure: "{{days}}일 안에 다음 단계로 이어지지 않은 접점 고객-일의 비율",
      baseline: "단계의 모든 접점의 고객-일",
      baselineBefore: "{{since}} 이전 같은 접점의 고객-일",
    },
    negativeFeedback: {
      title: "{{touchpoint}}: {{since}}부터 응답의 {{rate}}가 부정적입니다 (이전 {{baseline}})",
      measure: "부정적인 피드백 응답의 비율",
      baseline: "{{since}} 이전의 같은 접점",
    },
  },
};

export const findingMessages = { en, ko };
export type FindingLanguage = keyof typeof findingMessages;
export const FINDING_LANGUAGES: readonly FindingLanguage[] = ["en", "ko"];
