// expect: result_not_json
return { big: 10n ** 30n };
